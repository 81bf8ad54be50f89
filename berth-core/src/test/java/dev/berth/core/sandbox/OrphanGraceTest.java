package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OrphanGraceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final OrphanGrace grace = new OrphanGrace(Duration.ofSeconds(60));

    @Test
    void anOrphanIsDueOnlyAfterTheGracePeriod() {
        assertThat(grace.due(Set.of("a"), T0)).isEmpty();
        assertThat(grace.due(Set.of("a"), T0.plusSeconds(59))).isEmpty();
        assertThat(grace.due(Set.of("a"), T0.plusSeconds(60))).containsExactly("a");
    }

    @Test
    void aRowThatAppearsCancelsTheCountdown() {
        grace.due(Set.of("a", "b"), T0);
        // a's row was created after its container was first seen: a is no orphan any more
        assertThat(grace.due(Set.of("b"), T0.plusSeconds(30))).isEmpty();
        assertThat(grace.due(Set.of("a", "b"), T0.plusSeconds(61))).containsExactly("b");
        assertThat(grace.due(Set.of("a", "b"), T0.plusSeconds(91))).containsExactly("b");
        assertThat(grace.due(Set.of("a", "b"), T0.plusSeconds(121))).containsExactly("a", "b");
    }

    @Test
    void forgottenIdsStartOver() {
        grace.due(Set.of("a"), T0);
        grace.forget("a");
        assertThat(grace.due(Set.of("a"), T0.plusSeconds(120))).isEmpty();
    }
}
