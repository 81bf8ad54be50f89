package dev.berth.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.snapshot.SnapshotCopy.CopyState;
import dev.berth.core.snapshot.SnapshotPropagationPolicy.Action;
import dev.berth.core.snapshot.SnapshotPropagationPolicy.Command;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotPropagationPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private final SnapshotPropagationPolicy policy = new SnapshotPropagationPolicy(Duration.ofMinutes(15),
            Duration.ofSeconds(30), Duration.ofMinutes(10));

    private static SnapshotCopy copy(String id, boolean holds, CopyState state, Instant since, int failures) {
        return new SnapshotCopy(id, holds, state, since, failures, true);
    }

    @Test
    void anActiveSnapshotIsPulledWhereItIsMissingAndLeftWhereItIs() {
        var actions = policy.decide(true, List.of(copy("a", true, CopyState.READY, NOW, 0),
                copy("b", false, CopyState.NONE, null, 0)), NOW);
        assertThat(actions).containsExactly(new Action("b", Command.PULL));
    }

    @Test
    void aPullInFlightIsLeftAloneUntilItTimesOut() {
        var pulling = copy("b", false, CopyState.PULLING, NOW.minusSeconds(60), 0);
        assertThat(policy.decide(true, List.of(pulling), NOW)).isEmpty();
        assertThat(policy.decide(true, List.of(pulling), NOW.plus(Duration.ofMinutes(15))))
                .containsExactly(new Action("b", Command.PULL));
    }

    @Test
    void failedPullsBackOffDoublingUpToTheMaximum() {
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMinutes(2));
        assertThat(policy.backoff(50)).isEqualTo(Duration.ofMinutes(10));
        var failed = copy("b", false, CopyState.ERROR, NOW.minusSeconds(90), 3);
        assertThat(policy.decide(true, List.of(failed), NOW)).isEmpty();
        assertThat(policy.decide(true, List.of(failed), NOW.plusSeconds(31))).containsExactly(new Action("b", Command.PULL));
    }

    @Test
    void anInactiveSnapshotLeavesEveryRunnerThatHoldsIt() {
        var actions = policy.decide(false, List.of(copy("a", true, CopyState.READY, NOW, 0),
                copy("b", false, CopyState.NONE, null, 0)), NOW);
        assertThat(actions).containsExactly(new Action("a", Command.REMOVE));
    }

    @Test
    void aRunnerThatTakesNoWorkGetsNoPull() {
        var draining = new SnapshotCopy("c", false, CopyState.NONE, null, 0, false);
        assertThat(policy.decide(true, List.of(draining), NOW)).isEmpty();
    }
}
