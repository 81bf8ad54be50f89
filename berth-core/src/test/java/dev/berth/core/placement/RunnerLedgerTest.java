package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.sandbox.Resources;
import org.junit.jupiter.api.Test;

class RunnerLedgerTest {

    private static final RunnerId R1 = new RunnerId("r1");
    private static final Resources TWO = new Resources(2, 4, 10);

    @Test
    void reservesUpToCapacityAndNoFurther() {
        var ledger = new RunnerLedger(1.0);
        ledger.register(R1, new RunnerResources(4, 8, 20, 5), RunnerResources.NONE);
        assertThat(ledger.tryReserve(R1, TWO)).isTrue();
        assertThat(ledger.tryReserve(R1, TWO)).isTrue();
        assertThat(ledger.tryReserve(R1, TWO)).isFalse();
        assertThat(ledger.allocated(R1)).contains(new RunnerResources(4, 8, 20, 2));
        ledger.release(R1, TWO);
        assertThat(ledger.tryReserve(R1, TWO)).isTrue();
    }

    @Test
    void overcommitsCpuOnly() {
        var ledger = new RunnerLedger(2.0);
        ledger.register(R1, new RunnerResources(2, 100, 100, 10), RunnerResources.NONE);
        assertThat(ledger.tryReserve(R1, TWO)).isTrue();
        assertThat(ledger.tryReserve(R1, TWO)).isTrue();
        assertThat(ledger.tryReserve(R1, TWO)).isFalse();
    }

    @Test
    void theSandboxLimitCounts() {
        var ledger = new RunnerLedger(1.0);
        ledger.register(R1, new RunnerResources(100, 100, 100, 1), RunnerResources.NONE);
        assertThat(ledger.tryReserve(R1, TWO)).isTrue();
        assertThat(ledger.tryReserve(R1, new Resources(0, 0, 0))).isFalse();
    }

    @Test
    void aShrunkRunnerKeepsItsReservationsButTakesNoMore() {
        var ledger = new RunnerLedger(1.0);
        ledger.register(R1, new RunnerResources(8, 16, 40, 5), new RunnerResources(6, 12, 30, 3));
        ledger.register(R1, new RunnerResources(4, 8, 20, 5), RunnerResources.NONE);
        assertThat(ledger.allocated(R1)).contains(new RunnerResources(6, 12, 30, 3));
        assertThat(ledger.tryReserve(R1, new Resources(0, 0, 0))).isFalse();
    }

    @Test
    void unknownRunnersTakeNothing() {
        var ledger = new RunnerLedger(1.0);
        assertThat(ledger.tryReserve(R1, TWO)).isFalse();
        assertThatThrownBy(() -> ledger.release(R1, TWO)).isInstanceOf(IllegalStateException.class);
        ledger.register(R1, new RunnerResources(4, 8, 20, 5), RunnerResources.NONE);
        ledger.forget(R1);
        assertThat(ledger.allocated(R1)).isEmpty();
    }

    @Test
    void releasingWhatWasNotReservedIsABug() {
        var ledger = new RunnerLedger(1.0);
        ledger.register(R1, new RunnerResources(4, 8, 20, 5), RunnerResources.NONE);
        assertThatThrownBy(() -> ledger.release(R1, TWO)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot release");
    }
}
