package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Generators for fleets and requests, small enough that placements both succeed and fail often. */
final class Fleets {

    static final List<String> REGIONS = List.of("eu", "us", "ap");
    static final List<String> CLASSES = List.of("small", "default");
    static final List<SnapshotRef> SNAPSHOTS = List.of(new SnapshotRef("python"), new SnapshotRef("node"),
            new SnapshotRef("go"));

    private Fleets() {
    }

    static Arbitrary<List<RunnerView>> fleets() {
        return runners().list().ofMinSize(0).ofMaxSize(30).map(Fleets::numbered);
    }

    static Arbitrary<PlacementRequest> requests() {
        Arbitrary<Resources> size = Combinators.combine(Arbitraries.integers().between(0, 16),
                Arbitraries.integers().between(0, 64), Arbitraries.integers().between(0, 100)).as(Resources::new);
        return Combinators.combine(size, Arbitraries.of(SNAPSHOTS),
                Arbitraries.of("eu", "us", "ap", "mars").injectNull(0.3),
                Arbitraries.of("small", "default", "gpu").injectNull(0.4)).as(PlacementRequest::new);
    }

    static Arbitrary<Double> overcommits() {
        return Arbitraries.of(1.0, 1.5, 2.0, 4.0);
    }

    private static Arbitrary<RunnerView> runners() {
        Arbitrary<RunnerResources> capacity = Combinators.combine(Arbitraries.integers().between(1, 64),
                Arbitraries.integers().between(1, 256), Arbitraries.integers().between(1, 500),
                Arbitraries.integers().between(1, 40)).as(RunnerResources::new);
        Arbitrary<RunnerHealth> health = Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.just(RunnerHealth.HEALTHY)), Tuple.of(3, Arbitraries.of(RunnerHealth.class)));
        Arbitrary<RunnerUsage> usage = Combinators.combine(fraction(), fraction(), fraction(),
                Arbitraries.doubles().between(0, 4)).as(RunnerUsage::new);
        Arbitrary<Set<SnapshotRef>> snapshots = Arbitraries.of(SNAPSHOTS).set().ofMaxSize(3);
        // Allocation as a percentage of capacity, empty to a little past full (a runner that shrank);
        // no flatMap, which makes jqwik build a generator per runner and is very slow.
        Arbitrary<int[]> percents = Arbitraries.integers().between(0, 130).array(int[].class).ofSize(4);
        return Combinators.combine(Arbitraries.of(REGIONS), Arbitraries.of(CLASSES), health, capacity, percents,
                usage, snapshots, Arbitraries.of(true, false))
                .as((region, cls, h, cap, pct, u, snaps, pull) -> new RunnerView(new RunnerId("tmp"), region, cls, h,
                        cap, share(cap, pct), u, snaps, pull));
    }

    private static RunnerResources share(RunnerResources cap, int[] pct) {
        return new RunnerResources(cap.cpu() * pct[0] / 100, cap.memoryGiB() * pct[1] / 100,
                cap.diskGiB() * pct[2] / 100, cap.sandboxes() * pct[3] / 100);
    }

    private static Arbitrary<Double> fraction() {
        return Arbitraries.doubles().between(0, 1);
    }

    private static List<RunnerView> numbered(List<RunnerView> runners) {
        List<RunnerView> out = new ArrayList<>(runners.size());
        for (int i = 0; i < runners.size(); i++) {
            RunnerView v = runners.get(i);
            out.add(new RunnerView(new RunnerId("r" + i), v.region(), v.runnerClass(), v.health(), v.capacity(),
                    v.allocated(), v.usage(), v.snapshots(), v.canPull()));
        }
        return out;
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
