package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The random choice among the best keeps identical runners evenly loaded (fixed seeds, so repeatable). */
class PlacementSpreadTest {

    private static final PlacementRequest REQUEST = new PlacementRequest(new Resources(1, 1, 1),
            new SnapshotRef("python"), null, null);

    @Test
    void identicalRunnersFromOneStaleViewShareTheLoad() {
        List<RunnerView> fleet = identical(50);
        Random random = new Random(42);
        Map<RunnerId, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            Placement.Placed p = (Placement.Placed) PlacementPolicy.defaults().place(REQUEST, fleet, random);
            counts.merge(p.runnerId(), 1, Integer::sum);
        }
        double mean = 1000.0 / fleet.size();
        assertThat(counts).hasSize(fleet.size());
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo((int) (3 * mean)));
    }

    @Test
    void identicalRunnersWithReservationsAppliedStayWithinAFewSandboxesOfEachOther() {
        List<RunnerView> fleet = new ArrayList<>(identical(10));
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            Placement.Placed p = (Placement.Placed) PlacementPolicy.defaults().place(REQUEST, fleet, random);
            for (int j = 0; j < fleet.size(); j++) {
                RunnerView v = fleet.get(j);
                if (v.id().equals(p.runnerId())) {
                    fleet.set(j, v.withAllocated(v.allocated().plus(REQUEST.resources())));
                }
            }
        }
        assertThat(fleet).allSatisfy(v -> assertThat(v.allocated().sandboxes()).isBetween(97, 103));
    }

    private static List<RunnerView> identical(int n) {
        List<RunnerView> fleet = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fleet.add(Fleets.runner("r" + i, "eu", "default", new RunnerResources(2000, 2000, 2000, 2000)));
        }
        return fleet;
    }
}
