package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Generators for fleets and requests, small enough that placements both succeed and fail often. Every
 * number is drawn with a bias to its edges (the minimum, one above it, the maximum), and fleets, runners
 * and requests are biased to the cases that break placement: empty and one-runner fleets, runners with
 * nothing free or allocated past capacity, requests of size zero or that exactly fill a runner, every
 * health state, and requested regions and classes that are null or that no runner has.
 */
final class Fleets {

    static final List<String> REGIONS = List.of("eu", "us", "ap");
    static final List<String> CLASSES = List.of("small", "default");
    static final List<SnapshotRef> SNAPSHOTS = List.of(new SnapshotRef("python"), new SnapshotRef("node"),
            new SnapshotRef("go"));
    static final List<String> REQUESTED_REGIONS = List.of("eu", "us", "ap", "mars");
    static final List<String> REQUESTED_CLASSES = List.of("small", "default", "gpu");
    static final List<Double> OVERCOMMITS = List.of(1.0, 1.5, 2.0, 4.0);
    static final int MAX_FLEET = 30;

    private Fleets() {
    }

    /** 0 to 30 runners, numbered r0, r1, ...; empty, one-runner and full-size fleets are each a tenth. */
    static List<RunnerView> fleet(RandomGenerator r) {
        int size = switch (r.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> MAX_FLEET;
            default -> r.nextInt(MAX_FLEET + 1);
        };
        List<RunnerView> fleet = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            fleet.add(runner(r, new RunnerId("r" + i)));
        }
        return List.copyOf(fleet);
    }

    static PlacementRequest request(RandomGenerator r) {
        Resources size = new Resources(between(r, 0, 16), between(r, 0, 64), between(r, 0, 100));
        return new PlacementRequest(size, oneOf(r, SNAPSHOTS), orNull(r, 0.3, REQUESTED_REGIONS),
                orNull(r, 0.4, REQUESTED_CLASSES));
    }

    /**
     * A request for this fleet: as {@link #request}, but a fifth of the time (when the fleet has a runner
     * with something free) it asks for exactly what one runner has free, on the boundary of fitting.
     */
    static PlacementRequest request(RandomGenerator r, List<RunnerView> fleet) {
        PlacementRequest q = request(r);
        if (fleet.isEmpty() || r.nextInt(5) != 0) {
            return q;
        }
        RunnerView v = oneOf(r, fleet);
        RunnerResources c = v.capacity();
        RunnerResources a = v.allocated();
        Resources exact = new Resources(Math.max(0, c.cpu() - a.cpu()), Math.max(0, c.memoryGiB() - a.memoryGiB()),
                Math.max(0, c.diskGiB() - a.diskGiB()));
        return new PlacementRequest(exact, q.snapshot(), q.region(), q.runnerClass());
    }

    static double overcommit(RandomGenerator r) {
        return oneOf(r, OVERCOMMITS);
    }

    /** 1 to 12 runner capacities, each dimension at least 1 (for the concurrency test). */
    static List<RunnerResources> capacities(RandomGenerator r) {
        int size = between(r, 1, 12);
        List<RunnerResources> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(new RunnerResources(between(r, 1, 16), between(r, 1, 32), between(r, 1, 100), between(r, 1, 10)));
        }
        return List.copyOf(out);
    }

    private static RunnerView runner(RandomGenerator r, RunnerId id) {
        RunnerResources cap = new RunnerResources(between(r, 1, 64), between(r, 1, 256), between(r, 1, 500),
                between(r, 1, 40));
        // Healthy 7 times in 10, otherwise any state (healthy included).
        RunnerHealth health = r.nextInt(10) < 7 ? RunnerHealth.HEALTHY : oneOf(r, List.of(RunnerHealth.values()));
        RunnerUsage usage = new RunnerUsage(fraction(r), fraction(r), fraction(r), edgy(r, 0, 4));
        Set<SnapshotRef> snapshots = new HashSet<>();
        for (int n = r.nextInt(4), k = 0; k < n; k++) {
            snapshots.add(oneOf(r, SNAPSHOTS));
        }
        // Allocation as a percentage of capacity, empty to a little past full (a runner that shrank);
        // a tenth of the runners are exactly full in every dimension: nothing free.
        RunnerResources allocated = r.nextInt(10) == 0 ? cap
                : share(cap, new int[] {percent(r), percent(r), percent(r), percent(r)});
        return new RunnerView(id, oneOf(r, REGIONS), oneOf(r, CLASSES), health, cap, allocated, usage, snapshots,
                r.nextBoolean());
    }

    private static RunnerResources share(RunnerResources cap, int[] pct) {
        return new RunnerResources(cap.cpu() * pct[0] / 100, cap.memoryGiB() * pct[1] / 100,
                cap.diskGiB() * pct[2] / 100, cap.sandboxes() * pct[3] / 100);
    }

    /** 0 to 130; a quarter of the time empty, exactly full or the most overfull. */
    private static int percent(RandomGenerator r) {
        return r.nextInt(4) == 0 ? oneOf(r, List.of(0, 100, 130)) : r.nextInt(131);
    }

    /** min to max inclusive; an eighth of the time min, min + 1 or max. */
    static int between(RandomGenerator r, int min, int max) {
        if (r.nextInt(8) == 0) {
            return switch (r.nextInt(3)) {
                case 0 -> min;
                case 1 -> Math.min(min + 1, max);
                default -> max;
            };
        }
        return min + r.nextInt(max - min + 1);
    }

    private static double fraction(RandomGenerator r) {
        return edgy(r, 0, 1);
    }

    /** min to max inclusive; an eighth of the time exactly min or max. */
    private static double edgy(RandomGenerator r, double min, double max) {
        if (r.nextInt(8) == 0) {
            return r.nextBoolean() ? min : max;
        }
        return min + (max - min) * r.nextDouble();
    }

    static <T> T oneOf(RandomGenerator r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }

    private static <T> T orNull(RandomGenerator r, double nullProbability, List<T> values) {
        return r.nextDouble() < nullProbability ? null : oneOf(r, values);
    }

    /** The filter, written out again independently of the policy so the tests check one against the other. */
    static boolean qualifies(RunnerView v, PlacementRequest q, double overcommit) {
        RunnerResources c = v.capacity();
        RunnerResources a = v.allocated();
        Resources r = q.resources();
        return v.health() == RunnerHealth.HEALTHY
                && (q.region() == null || q.region().equals(v.region()))
                && (q.runnerClass() == null || q.runnerClass().equals(v.runnerClass()))
                && a.cpu() + r.cpu() <= c.cpu() * overcommit
                && a.memoryGiB() + r.memoryGiB() <= c.memoryGiB()
                && a.diskGiB() + r.diskGiB() <= c.diskGiB()
                && a.sandboxes() + 1 <= c.sandboxes()
                && (v.canPull() || v.snapshots().contains(q.snapshot()));
    }

    static RunnerView runner(String id, String region, String cls, RunnerResources cap) {
        return new RunnerView(new RunnerId(id), region, cls, RunnerHealth.HEALTHY, cap, RunnerResources.NONE,
                RunnerUsage.IDLE, Set.of(), true);
    }
}
