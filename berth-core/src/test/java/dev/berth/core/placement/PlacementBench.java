package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Placements per second over 1,000 runners holding 100,000 sandboxes, next to a naive baseline
 * (stream, score into objects, sort everything) in the same run. Run with {@code ./berth bench placement}.
 * The fleet view is fixed during the run: this measures the decision, not the reservation.
 */
public final class PlacementBench {

    private static final int RUNNERS = 1_000;
    private static final int SANDBOXES = 100_000;
    private static final int PER_ITERATION = 20_000;

    private PlacementBench() {
    }

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        SplittableRandom random = new SplittableRandom(2024);
        List<RunnerView> fleet = fleet(random);
        PlacementRequest[] requests = new PlacementRequest[PER_ITERATION];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = request(random);
        }
        PlacementPolicy policy = PlacementPolicy.defaults();
        long placed = Arrays.stream(requests).filter(r -> policy.place(r, fleet, random) instanceof Placement.Placed)
                .count();
        System.out.printf(Locale.ROOT, "fleet: %d runners, %d sandboxes allocated; %d of %d requests placeable%n",
                RUNNERS, SANDBOXES, placed, PER_ITERATION);
        checkAgreement(policy, fleet, requests);

        Result ours = measure("PlacementPolicy", iterations, requests, r -> policy.place(r, fleet, random));
        Result naive = measure("naive sort-all", iterations, requests, r -> naive(policy, r, fleet, random));
        System.out.printf(Locale.ROOT, "speed-up: %.1fx (mean), %.1fx (p50), %.1fx (p99)%n",
                naive.meanNanos / ours.meanNanos, naive.p50 / ours.p50, naive.p99 / ours.p99);
    }

    private record Result(double meanNanos, double p50, double p99) {
    }

    private static Result measure(String name, int iterations, PlacementRequest[] requests, Placer placer) {
        long sink = 0;
        for (int w = 0; w < 5; w++) { // warm-up: let the JIT compile both paths
            for (PlacementRequest r : requests) {
                sink += placer.place(r).hashCode();
            }
        }
        long[] each = new long[iterations * requests.length];
        double[] perSecond = new double[iterations];
        int n = 0;
        for (int it = 0; it < iterations; it++) {
            long start = System.nanoTime();
            for (PlacementRequest r : requests) {
                long t0 = System.nanoTime();
                sink += placer.place(r).hashCode();
                each[n++] = System.nanoTime() - t0;
            }
            perSecond[it] = requests.length / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(each);
        double mean = Arrays.stream(each).average().orElseThrow();
        double p50 = each[each.length / 2];
        double p99 = each[(int) (each.length * 0.99)];
        System.out.printf(Locale.ROOT, "%-16s %9.0f placements/s (iterations %s) mean %6.1f us  p50 %6.1f us"
                        + "  p99 %6.1f us  [sink %d]%n", name, Arrays.stream(perSecond).average().orElseThrow(),
                Arrays.toString(Arrays.stream(perSecond).mapToLong(Math::round).toArray()), mean / 1e3, p50 / 1e3,
                p99 / 1e3, sink & 0xff);
        return new Result(mean, p50, p99);
    }

    @FunctionalInterface
    private interface Placer {
        Placement place(PlacementRequest r);
    }

    /** What one writes first: filter and score into objects, sort them all, pick among the top k within epsilon. */
    static Placement naive(PlacementPolicy policy, PlacementRequest r, List<RunnerView> fleet, RandomGenerator random) {
        record Scored(RunnerView runner, double score) {
        }
        List<Scored> sorted = fleet.stream().filter(v -> policy.qualifies(v, r))
                .map(v -> new Scored(v, policy.score(v, r)))
                .sorted(Comparator.comparingDouble(Scored::score).reversed()).toList();
        if (sorted.isEmpty()) {
            return new Placement.Rejected(PlacementConstraint.COMBINED_RESOURCES, "nothing fits");
        }
        double floor = sorted.get(0).score() - PlacementPolicy.DEFAULT_EPSILON;
        List<Scored> pool = sorted.stream().limit(PlacementPolicy.DEFAULT_TOP_K).filter(s -> s.score() >= floor)
                .toList();
        Scored pick = pool.get(random.nextInt(pool.size()));
        return new Placement.Placed(pick.runner().id(), pick.score());
    }

    /** Both choose a runner, and the policy's choice is within epsilon of the naive best, on every request. */
    private static void checkAgreement(PlacementPolicy policy, List<RunnerView> fleet, PlacementRequest[] requests) {
        SplittableRandom random = new SplittableRandom(1);
        for (PlacementRequest r : requests) {
            Placement a = policy.place(r, fleet, random);
            Placement b = naive(policy, r, fleet, random);
            boolean agree = a instanceof Placement.Placed pa
                    ? b instanceof Placement.Placed pb && pa.score() >= pb.score() - 2 * PlacementPolicy.DEFAULT_EPSILON
                    : b instanceof Placement.Rejected;
            if (!agree) {
                throw new IllegalStateException("policy and baseline disagree on " + r + ": " + a + " vs " + b);
            }
        }
    }

    private static List<RunnerView> fleet(SplittableRandom random) {
        RunnerResources capacity = new RunnerResources(192, 768, 4000, 250);
        RunnerResources[] held = new RunnerResources[RUNNERS];
        Arrays.fill(held, RunnerResources.NONE);
        for (int s = 0; s < SANDBOXES; s++) {
            int i = random.nextInt(RUNNERS);
            Resources size = new Resources(1 + random.nextInt(2), 1 << random.nextInt(3), 5 + random.nextInt(6));
            if (capacity.admits(held[i], size, 1.0)) {
                held[i] = held[i].plus(size);
            }
        }
        List<RunnerView> fleet = new ArrayList<>(RUNNERS);
        for (int i = 0; i < RUNNERS; i++) {
            Set<SnapshotRef> snaps = new HashSet<>();
            for (int k = 0; k < 5; k++) {
                snaps.add(snapshot(random));
            }
            RunnerHealth health = random.nextInt(10) == 0
                    ? RunnerHealth.values()[1 + random.nextInt(3)] : RunnerHealth.HEALTHY;
            RunnerUsage usage = new RunnerUsage(random.nextDouble(), random.nextDouble(), random.nextDouble(),
                    2 * random.nextDouble());
            fleet.add(new RunnerView(new RunnerId("runner-" + i), "region-" + (i % 5), i % 3 == 0 ? "small" : "default",
                    health, capacity, held[i], usage, snaps, random.nextInt(4) != 0));
        }
        return List.copyOf(fleet);
    }

    private static PlacementRequest request(SplittableRandom random) {
        Resources size = new Resources(1 + random.nextInt(4), 1 << random.nextInt(4), 5 + random.nextInt(20));
        String region = random.nextBoolean() ? null : "region-" + random.nextInt(5);
        String cls = random.nextBoolean() ? null : (random.nextBoolean() ? "small" : "default");
        return new PlacementRequest(size, snapshot(random), region, cls);
    }

    private static SnapshotRef snapshot(SplittableRandom random) {
        return new SnapshotRef("registry:5000/berth/image-" + random.nextInt(20) + ":latest");
    }
}
