package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link PlacementPolicy}, each checked on {@link Cases#DEFAULT_COUNT} generated fleets and
 * requests (see {@link Fleets} for the generators and their edge-case bias).
 */
class PlacementPolicyPropertiesTest {

    /** One generated case: the fleet, the request, the cpu overcommit and the seed of the policy's random. */
    record Case(List<RunnerView> fleet, PlacementRequest request, double overcommit, long seed) {

        static Case generate(SplittableRandom r) {
            List<RunnerView> fleet = Fleets.fleet(r);
            return new Case(fleet, Fleets.request(r, fleet), Fleets.overcommit(r), r.nextLong());
        }
    }

    @Test
    void aPlacedRunnerPassesEveryFilterAndScoresNearTheBest() {
        Cases.forAll(Case::generate, c -> {
            List<RunnerView> fleet = c.fleet();
            PlacementRequest request = c.request();
            double overcommit = c.overcommit();
            PlacementPolicy policy = new PlacementPolicy(PlacementWeights.DEFAULT, overcommit, 3, 0.05);
            Placement placement = policy.place(request, fleet, new Random(c.seed()));
            if (!(placement instanceof Placement.Placed placed)) {
                return;
            }
            Map<RunnerId, RunnerView> byId = fleet.stream()
                    .collect(Collectors.toMap(RunnerView::id, Function.identity()));
            RunnerView chosen = byId.get(placed.runnerId());
            assertThat(chosen).as("the placed runner is in the fleet").isNotNull();
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
        });
    }

    @Test
    void aRejectionMeansNoRunnerQualifiedAndNamesTheFirstFilterThatLeftNone() {
        Map<PlacementConstraint, Integer> rejections = new EnumMap<>(PlacementConstraint.class);
        int[] placed = {0};
        int cases = Cases.forAll(Case::generate, c -> {
            List<RunnerView> fleet = c.fleet();
            PlacementRequest request = c.request();
            double overcommit = c.overcommit();
            PlacementPolicy policy = new PlacementPolicy(PlacementWeights.DEFAULT, overcommit, 3, 0.05);
            Placement placement = policy.place(request, fleet, new Random(c.seed()));
            boolean anyQualifies = fleet.stream().anyMatch(v -> Fleets.qualifies(v, request, overcommit));
            assertThat(placement instanceof Placement.Placed).isEqualTo(anyQualifies);
            if (placement instanceof Placement.Rejected rejected) {
                rejections.merge(rejected.constraint(), 1, Integer::sum);
                assertThat(rejected.constraint()).isEqualTo(ExpectedRejection.of(fleet, request, overcommit));
                assertThat(rejected.message()).contains(ExpectedRejection.mention(rejected.constraint(), request));
            } else {
                placed[0]++;
            }
        });
        // How the generated cases ended, so a skew in the generators shows in the build log.
        System.out.printf("%s: %d cases, %d placed, rejected %s%n", getClass().getSimpleName(), cases, placed[0],
                rejections);
        if (cases >= 500) { // the generators must keep producing both outcomes and the common rejections
            assertThat(placed[0]).as("placed, of %d (rejections %s)", cases, rejections).isGreaterThan(cases / 20);
            assertThat(rejections).as("rejections of %d cases", cases).containsKeys(PlacementConstraint.NO_RUNNERS,
                    PlacementConstraint.REGION, PlacementConstraint.HEALTH, PlacementConstraint.RUNNER_CLASS);
        }
    }

    @Test
    void placementIsAPureFunctionOfItsInputs() {
        Cases.forAll(Case::generate, c -> {
            PlacementPolicy policy = PlacementPolicy.defaults();
            assertThat(policy.place(c.request(), c.fleet(), new Random(c.seed())))
                    .isEqualTo(policy.place(c.request(), new ArrayList<>(c.fleet()), new Random(c.seed())));
        });
    }
}
