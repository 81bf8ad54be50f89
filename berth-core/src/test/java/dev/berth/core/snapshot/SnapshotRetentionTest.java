package dev.berth.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SnapshotRetentionTest {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
    private final SnapshotRetention twoWeeks = new SnapshotRetention(Duration.ofDays(14));

    @Test
    void aSnapshotNeverUsedCountsFromItsCreation() {
        assertThat(twoWeeks.unused(null, T0, T0.plus(Duration.ofDays(13)))).isFalse();
        assertThat(twoWeeks.unused(null, T0, T0.plus(Duration.ofDays(14)))).isTrue();
    }

    @Test
    void aUseRestartsTheClock() {
        Instant used = T0.plus(Duration.ofDays(10));
        assertThat(twoWeeks.unused(used, T0, T0.plus(Duration.ofDays(20)))).isFalse();
        assertThat(twoWeeks.unused(used, T0, used.plus(Duration.ofDays(14)))).isTrue();
    }

    @Test
    void zeroMeansNever() {
        assertThat(new SnapshotRetention(Duration.ZERO).unused(null, T0, T0.plus(Duration.ofDays(3650)))).isFalse();
    }
}
