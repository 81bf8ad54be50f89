package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.Resources;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementPolicyTest {

    private static final SnapshotRef PYTHON = new SnapshotRef("python");
    private static final RunnerResources BOX = new RunnerResources(16, 64, 200, 20);
    private static final PlacementRequest SMALL = new PlacementRequest(new Resources(1, 2, 5), PYTHON, null, null);

    private final PlacementPolicy policy = PlacementPolicy.defaults();

    @Test
    void theSnapshotBonusBreaksATie() {
        RunnerView without = Fleets.runner("r1", "eu", "default", BOX);
        RunnerView with = withSnapshot(Fleets.runner("r2", "eu", "default", BOX));
        assertThat(policy.score(with, SMALL) - policy.score(without, SMALL)).isCloseTo(0.3, within());
        assertThat(chosenOverManySeeds(List.of(without, with))).containsExactly("r2");
    }

    @Test
    void theSnapshotOutweighsModestlyMoreRoom() {
        RunnerView emptyWithout = Fleets.runner("r1", "eu", "default", BOX);
        RunnerView halfFullWith = withSnapshot(Fleets.runner("r2", "eu", "default", BOX))
                .withAllocated(new RunnerResources(8, 32, 100, 1));
        assertThat(chosenOverManySeeds(List.of(emptyWithout, halfFullWith))).containsExactly("r2");
    }

    @Test
    void moreFreeRoomWins() {
        RunnerView empty = Fleets.runner("r1", "eu", "default", BOX);
        RunnerView busy = Fleets.runner("r2", "eu", "default", BOX).withAllocated(new RunnerResources(12, 48, 150, 1));
        assertThat(chosenOverManySeeds(List.of(empty, busy))).containsExactly("r1");
    }

    @Test
    void aQuieterHostWins() {
        RunnerView quiet = Fleets.runner("r1", "eu", "default", BOX);
        RunnerView loaded = new RunnerView(new RunnerId("r2"), "eu", "default", RunnerHealth.HEALTHY, BOX,
                RunnerResources.NONE, new RunnerUsage(0.9, 0.8, 0.5, 3.0), Set.of(), true);
        assertThat(policy.score(quiet, SMALL)).isGreaterThan(policy.score(loaded, SMALL));
        assertThat(chosenOverManySeeds(List.of(quiet, loaded))).containsExactly("r1");
    }

    @Test
    void fewerSandboxesWinAtTheSameAllocation() {
        RunnerView oneBig = Fleets.runner("r1", "eu", "default", BOX).withAllocated(new RunnerResources(4, 8, 20, 1));
        RunnerView fourSmall = Fleets.runner("r2", "eu", "default", BOX).withAllocated(new RunnerResources(4, 8, 20, 4));
        assertThat(policy.score(oneBig, SMALL)).isGreaterThan(policy.score(fourSmall, SMALL));
    }

    @Test
    void scoresSpanZeroToOne() {
        RunnerView ideal = withSnapshot(Fleets.runner("r1", "eu", "default", BOX));
        var nothing = new PlacementRequest(new Resources(0, 0, 0), PYTHON, null, null);
        assertThat(policy.score(ideal, nothing)).isCloseTo(1.0, within());
    }

    @Test
    void runnersWithinEpsilonShareTheLoadAndOthersGetNone() {
        RunnerView a = Fleets.runner("a", "eu", "default", BOX);
        RunnerView b = Fleets.runner("b", "eu", "default", BOX);
        RunnerView c = Fleets.runner("c", "eu", "default", BOX).withAllocated(new RunnerResources(0, 0, 0, 1));
        RunnerView far = Fleets.runner("far", "eu", "default", BOX).withAllocated(new RunnerResources(8, 32, 100, 8));
        assertThat(chosenOverManySeeds(List.of(a, b, c, far))).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void topOneAlwaysTakesTheBest() {
        var strict = new PlacementPolicy(PlacementWeights.DEFAULT, 1.0, 1, 0.05);
        RunnerView best = Fleets.runner("best", "eu", "default", BOX);
        RunnerView close = Fleets.runner("close", "eu", "default", BOX).withAllocated(new RunnerResources(0, 0, 0, 1));
        Set<String> chosen = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            chosen.add(((Placement.Placed) strict.place(SMALL, List.of(close, best), new Random(seed))).runnerId().value());
        }
        assertThat(chosen).containsExactly("best");
    }

    @Test
    void cpuMayBeOvercommittedButMemoryNever() {
        RunnerView full = Fleets.runner("r1", "eu", "default", new RunnerResources(4, 8, 100, 10))
                .withAllocated(new RunnerResources(4, 4, 0, 2));
        var twoCores = new PlacementRequest(new Resources(2, 4, 1), PYTHON, null, null);
        var lotsOfMemory = new PlacementRequest(new Resources(2, 5, 1), PYTHON, null, null);
        var overcommitting = new PlacementPolicy(PlacementWeights.DEFAULT, 1.5, 3, 0.05);
        assertThat(policy.place(twoCores, List.of(full), new Random(1))).isInstanceOf(Placement.Rejected.class);
        assertThat(overcommitting.place(twoCores, List.of(full), new Random(1))).isInstanceOf(Placement.Placed.class);
        assertThat(overcommitting.place(lotsOfMemory, List.of(full), new Random(1)))
                .isEqualTo(new Placement.Rejected(PlacementConstraint.MEMORY,
                        "runner capacity exhausted (the platform's, not your organization's quota): "
                                + "no healthy runner has 5 GiB free memory (largest free: 4 on runner r1); "
                                + "wait for sandboxes to stop, request less, or add runners"));
    }

    @Test
    void acceptsAnyCollection() {
        Set<RunnerView> fleet = new LinkedHashSet<>(List.of(Fleets.runner("r1", "eu", "default", BOX)));
        assertThat(policy.place(SMALL, fleet, new Random(1))).isInstanceOf(Placement.Placed.class);
    }

    private Set<String> chosenOverManySeeds(List<RunnerView> fleet) {
        Set<String> chosen = new HashSet<>();
        for (int seed = 0; seed < 200; seed++) {
            chosen.add(((Placement.Placed) policy.place(SMALL, fleet, new Random(seed))).runnerId().value());
        }
        return chosen;
    }

    private static RunnerView withSnapshot(RunnerView v) {
        return new RunnerView(v.id(), v.region(), v.runnerClass(), v.health(), v.capacity(), v.allocated(), v.usage(),
                Set.of(PYTHON), v.canPull());
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }
}
