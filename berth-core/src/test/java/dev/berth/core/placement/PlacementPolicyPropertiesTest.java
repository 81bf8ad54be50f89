package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class PlacementPolicyPropertiesTest {

    @Property(tries = 1000)
    void aPlacedRunnerPassesEveryFilterAndScoresNearTheBest(@ForAll("fleets") List<RunnerView> fleet,
            @ForAll("requests") PlacementRequest request, @ForAll("overcommits") double overcommit, @ForAll long seed) {
        PlacementPolicy policy = new PlacementPolicy(PlacementWeights.DEFAULT, overcommit, 3, 0.05);
        Placement placement = policy.place(request, fleet, new Random(seed));
        if (!(placement instanceof Placement.Placed placed)) {
            return;
        }
        Map<RunnerId, RunnerView> byId = fleet.stream().collect(Collectors.toMap(RunnerView::id, Function.identity()));
        RunnerView chosen = byId.get(placed.runnerId());
        assertThat(chosen.health()).isEqualTo(RunnerHealth.HEALTHY);
        if (request.region() != null) {
            assertThat(chosen.region()).isEqualTo(request.region());
        }
        if (request.runnerClass() != null) {
            assertThat(chosen.runnerClass()).isEqualTo(request.runnerClass());
        }
        RunnerResources after = chosen.allocated().plus(request.resources());
        assertThat((double) after.cpu()).isLessThanOrEqualTo(chosen.capacity().cpu() * overcommit);
        assertThat(after.memoryGiB()).isLessThanOrEqualTo(chosen.capacity().memoryGiB());
        assertThat(after.diskGiB()).isLessThanOrEqualTo(chosen.capacity().diskGiB());
        assertThat(after.sandboxes()).isLessThanOrEqualTo(chosen.capacity().sandboxes());
        assertThat(chosen.canPull() || chosen.hasSnapshot(request.snapshot())).isTrue();
        assertThat(Fleets.qualifies(chosen, request, overcommit)).isTrue();

        double best = fleet.stream().filter(v -> Fleets.qualifies(v, request, overcommit))
                .mapToDouble(v -> policy.score(v, request)).max().orElseThrow();
        assertThat(placed.score()).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(best - 0.05);
    }

    @Property(tries = 1000)
    void aRejectionMeansNoRunnerQualifiedAndNamesTheFirstFilterThatLeftNone(@ForAll("fleets") List<RunnerView> fleet,
            @ForAll("requests") PlacementRequest request, @ForAll("overcommits") double overcommit, @ForAll long seed) {
        PlacementPolicy policy = new PlacementPolicy(PlacementWeights.DEFAULT, overcommit, 3, 0.05);
        Placement placement = policy.place(request, fleet, new Random(seed));
        boolean anyQualifies = fleet.stream().anyMatch(v -> Fleets.qualifies(v, request, overcommit));
        assertThat(placement instanceof Placement.Placed).isEqualTo(anyQualifies);
        Statistics.collect(placement instanceof Placement.Rejected r ? r.constraint().name() : "PLACED");
        if (placement instanceof Placement.Rejected rejected) {
            assertThat(rejected.constraint()).isEqualTo(ExpectedRejection.of(fleet, request, overcommit));
            assertThat(rejected.message()).contains(ExpectedRejection.mention(rejected.constraint(), request));
        }
    }

    @Property(tries = 1000)
    void placementIsAPureFunctionOfItsInputs(@ForAll("fleets") List<RunnerView> fleet,
            @ForAll("requests") PlacementRequest request, @ForAll long seed) {
        PlacementPolicy policy = PlacementPolicy.defaults();
        assertThat(policy.place(request, fleet, new Random(seed)))
                .isEqualTo(policy.place(request, List.copyOf(fleet), new Random(seed)));
    }

    @Provide
    Arbitrary<List<RunnerView>> fleets() {
        return Fleets.fleets();
    }

    @Provide
    Arbitrary<PlacementRequest> requests() {
        return Fleets.requests();
    }

    @Provide
    Arbitrary<Double> overcommits() {
        return Fleets.overcommits();
    }
}
