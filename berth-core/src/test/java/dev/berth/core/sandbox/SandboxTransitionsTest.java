package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.ErrorCode;
import dev.berth.core.error.IllegalTransitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SandboxTransitionsTest {

    @Test
    void lifecycleHappyPathIsAllowed() {
        assertThat(SandboxTransitions.isAllowed(SandboxState.CREATING, SandboxState.STARTED)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.STARTED, SandboxState.STOPPING)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.STOPPING, SandboxState.STOPPED)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.STOPPED, SandboxState.STARTING)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.STARTING, SandboxState.STARTED)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.STARTED, SandboxState.DESTROYING)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.DESTROYING, SandboxState.DESTROYED)).isTrue();
    }

    @Test
    void destroyedIsTerminal() {
        assertThat(SandboxTransitions.allowedFrom(SandboxState.DESTROYED)).isEmpty();
    }

    @Test
    void startingADestroyingSandboxIsRejectedNamingBothStates() {
        assertThatThrownBy(() -> SandboxTransitions.check(SandboxState.DESTROYING, SandboxState.STARTING, "start"))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining("'destroying'")
                .hasMessageContaining("'starting'")
                .satisfies(e -> assertThat(((IllegalTransitionException) e).code()).isEqualTo(ErrorCode.ILLEGAL_TRANSITION));
    }

    @ParameterizedTest
    @EnumSource(SandboxState.class)
    void everyStateHasAnEntryAndNoStateLeadsToItself(SandboxState s) {
        assertThat(SandboxTransitions.allowedFrom(s)).doesNotContain(s);
    }

    @ParameterizedTest
    @EnumSource(SandboxState.class)
    void everyNonTerminalStateCanReachDestroyed(SandboxState s) {
        if (s == SandboxState.DESTROYED) {
            return;
        }
        // breadth-first search over the table: no state may trap a sandbox forever
        var seen = java.util.EnumSet.of(s);
        var queue = new java.util.ArrayDeque<SandboxState>();
        queue.add(s);
        while (!queue.isEmpty()) {
            for (SandboxState next : SandboxTransitions.allowedFrom(queue.poll())) {
                if (seen.add(next)) {
                    queue.add(next);
                }
            }
        }
        assertThat(seen).as("states reachable from " + s).contains(SandboxState.DESTROYED);
    }

    @Test
    void wireNamesRoundTrip() {
        for (SandboxState s : SandboxState.values()) {
            assertThat(SandboxState.fromWire(s.wireName())).contains(s);
        }
        assertThat(SandboxState.fromWire("11184809")).isEmpty();
    }
}
