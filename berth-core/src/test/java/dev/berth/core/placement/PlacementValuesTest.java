package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.sandbox.Resources;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementValuesTest {

    @Test
    void usageIsAFraction() {
        assertThatThrownBy(() -> new RunnerUsage(1.2, 0, 0, 0)).hasMessageContaining("cpu usage must be within 0..1");
        assertThatThrownBy(() -> new RunnerUsage(0, Double.NaN, 0, 0)).hasMessageContaining("memory");
        assertThatThrownBy(() -> new RunnerUsage(0, 0, 0, -1)).hasMessageContaining("load per core");
    }

    @Test
    void weightsAreNonNegativeAndNotAllZero() {
        assertThatThrownBy(() -> new PlacementWeights(-1, 1, 1, 1)).hasMessageContaining("free=-1.0");
        assertThatThrownBy(() -> new PlacementWeights(0, 0, 0, 0)).hasMessageContaining("at least one");
    }

    @Test
    void aRunnerNeedsSomeOfEveryResource() {
        assertThatThrownBy(() -> new RunnerView(new RunnerId("r1"), "eu", "default", RunnerHealth.HEALTHY,
                new RunnerResources(4, 8, 0, 10), RunnerResources.NONE, RunnerUsage.IDLE, Set.of(), true))
                .hasMessageContaining("runner r1 has a zero capacity");
        assertThatThrownBy(() -> new RunnerResources(-1, 0, 0, 0)).hasMessageContaining("must not be negative");
    }

    @Test
    void requestsAreNotNegative() {
        assertThatThrownBy(() -> new PlacementRequest(new Resources(-1, 1, 1), new SnapshotRef("x"), null, null))
                .hasMessageContaining("must not be negative");
    }

    @Test
    void policySettingsAreChecked() {
        assertThatThrownBy(() -> new PlacementPolicy(PlacementWeights.DEFAULT, 0.5, 3, 0.05))
                .hasMessageContaining("overcommit");
        assertThatThrownBy(() -> new PlacementPolicy(PlacementWeights.DEFAULT, 1.0, 0, 0.05))
                .hasMessageContaining("topK");
    }
}
