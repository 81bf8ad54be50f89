package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.Resources;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The messages a person reads when nothing fits: what was missing and what there is instead. */
class PlacementRejectionTest {

    private static final SnapshotRef PYTHON = new SnapshotRef("python");
    private static final RunnerResources BOX = new RunnerResources(8, 32, 100, 10);

    @Test
    void anEmptyFleet() {
        assertThat(reject(request(1, "eu", null), List.of()).constraint()).isEqualTo(PlacementConstraint.NO_RUNNERS);
    }

    @Test
    void anUnknownRegionListsTheKnownOnes() {
        var fleet = List.of(Fleets.runner("r1", "us", "default", BOX), Fleets.runner("r2", "ap", "default", BOX));
        assertThat(reject(request(1, "eu", null), fleet)).isEqualTo(new Placement.Rejected(PlacementConstraint.REGION,
                "no runner in region 'eu'; known regions: [ap, us]"));
    }

    @Test
    void aRegionWithoutHealthyRunnersCountsWhatItHas() {
        var fleet = List.of(health(Fleets.runner("r1", "eu", "default", BOX), RunnerHealth.UNRESPONSIVE),
                health(Fleets.runner("r2", "eu", "default", BOX), RunnerHealth.DRAINING),
                health(Fleets.runner("r3", "eu", "default", BOX), RunnerHealth.UNRESPONSIVE),
                Fleets.runner("r4", "us", "default", BOX));
        assertThat(reject(request(1, "eu", null), fleet).message()).isEqualTo(
                "no healthy runner in region 'eu' (1 draining, 2 unresponsive); regions with healthy runners: [us]");
    }

    @Test
    void aMissingClassListsTheClassesThere() {
        var fleet = List.of(Fleets.runner("r1", "eu", "default", BOX), Fleets.runner("r2", "eu", "small", BOX));
        assertThat(reject(request(1, "eu", "gpu"), fleet)).isEqualTo(new Placement.Rejected(
                PlacementConstraint.RUNNER_CLASS,
                "no healthy runner of class 'gpu' in region 'eu'; classes of healthy runners in region 'eu': "
                        + "[default, small]"));
    }

    @Test
    void aSnapshotNoRunnerHasOrCanPull() {
        var offline = new RunnerView(new RunnerId("r1"), "eu", "default", RunnerHealth.HEALTHY, BOX,
                RunnerResources.NONE, RunnerUsage.IDLE, Set.of(new SnapshotRef("node")), false);
        Placement.Rejected r = reject(request(1, "eu", null), List.of(offline));
        assertThat(r.constraint()).isEqualTo(PlacementConstraint.SNAPSHOT);
        assertThat(r.message()).startsWith("no healthy runner in region 'eu' has snapshot 'python' and none of the 1"
                + " can pull it");
    }

    @Test
    void tooFewCoresNamesTheRunnerWithTheMost() {
        var fleet = List.of(Fleets.runner("r1", "eu", "default", BOX).withAllocated(new RunnerResources(7, 0, 0, 1)),
                Fleets.runner("r7", "eu", "default", BOX).withAllocated(new RunnerResources(6, 0, 0, 1)));
        assertThat(reject(request(4, "eu", null), fleet).message()).isEqualTo(
                "runner capacity exhausted (the platform's, not your organization's quota): "
                        + "no healthy runner in region 'eu' has 4 free cores (largest free: 2 on runner r7); "
                        + "wait for sandboxes to stop, request less, or add runners");
    }

    @Test
    void everyShortResourceIsNamedAndTheFirstIsTheConstraint() {
        var fleet = List.of(Fleets.runner("r1", "eu", "default", BOX).withAllocated(new RunnerResources(7, 31, 0, 10)));
        Placement.Rejected r = reject(request(4, null, null), fleet);
        assertThat(r.constraint()).isEqualTo(PlacementConstraint.CPU);
        assertThat(r.message()).contains("4 free cores (largest free: 1", "nor 2 GiB free memory (largest free: 1",
                "nor a free sandbox slot (largest free: 0");
    }

    @Test
    void resourcesSplitAcrossRunners() {
        var fleet = List.of(Fleets.runner("cpu", "eu", "default", BOX).withAllocated(new RunnerResources(0, 32, 0, 1)),
                Fleets.runner("mem", "eu", "default", BOX).withAllocated(new RunnerResources(8, 0, 0, 1)));
        Placement.Rejected r = reject(request(4, null, null), fleet);
        assertThat(r.constraint()).isEqualTo(PlacementConstraint.COMBINED_RESOURCES);
        assertThat(r.message()).startsWith("runner capacity exhausted (the platform's, not your organization's "
                + "quota): no single healthy runner has 4 cores, 2 GiB memory, 10 GiB disk and a "
                + "sandbox slot free at once (most free: 8 cores on cpu, 32 GiB memory on mem, 100 GiB disk on cpu)");
    }

    private static PlacementRequest request(int cpu, String region, String cls) {
        return new PlacementRequest(new Resources(cpu, 2, 10), PYTHON, region, cls);
    }

    private static Placement.Rejected reject(PlacementRequest request, List<RunnerView> fleet) {
        return (Placement.Rejected) PlacementPolicy.defaults().place(request, fleet, new Random(1));
    }

    private static RunnerView health(RunnerView v, RunnerHealth h) {
        return new RunnerView(v.id(), v.region(), v.runnerClass(), h, v.capacity(), v.allocated(), v.usage(),
                v.snapshots(), v.canPull());
    }
}
