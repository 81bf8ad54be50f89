package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.SandboxState;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The JPQL list of live states names every state but destroyed, so a new state cannot be left out of it. */
class SandboxRepositoryLiveStatesTest {

    @Test
    void liveIsEveryStateButDestroyed() {
        String list = SandboxRepository.LIVE.trim();
        assertThat(list).startsWith("(").endsWith(")");
        Set<SandboxState> named = Arrays.stream(list.substring(1, list.length() - 1).split(","))
                .map(String::trim)
                .peek(n -> assertThat(n).startsWith("dev.berth.core.sandbox.SandboxState."))
                .map(n -> SandboxState.valueOf(n.substring(n.lastIndexOf('.') + 1)))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(SandboxState.class)));
        Set<SandboxState> expected = EnumSet.complementOf(EnumSet.of(SandboxState.DESTROYED));
        assertThat(named).isEqualTo(expected);
    }
}
