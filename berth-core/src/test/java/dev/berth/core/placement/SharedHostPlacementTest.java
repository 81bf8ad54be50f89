package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.Resources;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Runners on one machine share its capacity: their allocations together are checked against it once. */
class SharedHostPlacementTest {

    private static final SnapshotRef BUSYBOX = new SnapshotRef("berth/busybox:latest");
    /** What each runner on a 2-core, 8 GiB machine offers by default: 8x cores, 4x memory. */
    private static final RunnerResources EACH = new RunnerResources(16, 32, 100, 100);
    private static final RunnerResources MACHINE = new RunnerResources(16, 32, 100, Integer.MAX_VALUE);

    private final PlacementPolicy policy = PlacementPolicy.defaults();

    private static RunnerView on(String id, String host, RunnerResources own, RunnerResources hostAllocated) {
        return new RunnerView(new RunnerId(id), "eu", "default", RunnerHealth.HEALTHY, EACH, own,
                new RunnerUsage(0, 0, 0, 0), Set.of(BUSYBOX), true,
                host == null ? null : new HostShare(host, MACHINE, hostAllocated));
    }

    private static PlacementRequest ask(int cpu, int memGiB) {
        return new PlacementRequest(new Resources(cpu, memGiB, 1), BUSYBOX, null, null);
    }

    @Test
    void twoRunnersOnOneMachineCannotTogetherPromiseMoreThanIt() {
        // r1 holds 24 GiB and r2 holds 6: each has room of its own, the machine has 2 GiB left
        var r1 = on("r1", "m1", new RunnerResources(6, 24, 6, 6), new RunnerResources(8, 30, 8, 8));
        var r2 = on("r2", "m1", new RunnerResources(2, 6, 2, 2), new RunnerResources(8, 30, 8, 8));

        assertThat(policy.place(ask(1, 2), List.of(r1, r2), new Random(1))).isInstanceOf(Placement.Placed.class);
        Placement p = policy.place(ask(1, 4), List.of(r1, r2), new Random(1));

        assertThat(p).isInstanceOf(Placement.Rejected.class);
        var rejected = (Placement.Rejected) p;
        assertThat(rejected.constraint()).isEqualTo(PlacementConstraint.MEMORY);
        assertThat(rejected.message()).contains("4 GiB free memory").contains("largest free: 2");
    }

    @Test
    void theSameAllocationsOnTwoMachinesStillFit() {
        var r1 = on("r1", "m1", new RunnerResources(6, 24, 6, 6), new RunnerResources(6, 24, 6, 6));
        var r2 = on("r2", "m2", new RunnerResources(2, 6, 2, 2), new RunnerResources(2, 6, 2, 2));

        Placement p = policy.place(ask(1, 4), List.of(r1, r2), new Random(1));

        assertThat(p).isInstanceOf(Placement.Placed.class);
    }

    @Test
    void aRunnerWithoutAHostIsCheckedAlone() {
        var alone = on("old", null, new RunnerResources(6, 24, 6, 6), null);

        assertThat(policy.place(ask(1, 8), List.of(alone), new Random(1))).isInstanceOf(Placement.Placed.class);
    }

    @Test
    void aRunnerOnAFullerMachineScoresLower() {
        // the same own allocation; r1's neighbours have filled its machine
        var crowded = on("r1", "m1", new RunnerResources(2, 4, 2, 2), new RunnerResources(14, 28, 80, 20));
        var roomy = on("r2", "m2", new RunnerResources(2, 4, 2, 2), new RunnerResources(2, 4, 2, 2));

        assertThat(policy.score(crowded, ask(1, 2))).isLessThan(policy.score(roomy, ask(1, 2)));
        for (int seed = 0; seed < 50; seed++) {
            var placed = (Placement.Placed) policy.place(ask(1, 2), List.of(crowded, roomy), new Random(seed));
            assertThat(placed.runnerId().value()).isEqualTo("r2");
        }
    }

    @Test
    void slotsStayPerRunner() {
        var full = new RunnerView(new RunnerId("r1"), "eu", "default", RunnerHealth.HEALTHY,
                new RunnerResources(16, 32, 100, 1), new RunnerResources(1, 1, 1, 1), new RunnerUsage(0, 0, 0, 0),
                Set.of(BUSYBOX), true, new HostShare("m1", MACHINE, new RunnerResources(1, 1, 1, 1)));
        var other = on("r2", "m1", RunnerResources.NONE, new RunnerResources(1, 1, 1, 1));

        var placed = (Placement.Placed) policy.place(ask(1, 1), List.of(full, other), new Random(3));

        assertThat(placed.runnerId().value()).isEqualTo("r2");
    }
}
