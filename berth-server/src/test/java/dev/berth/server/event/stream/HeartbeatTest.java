package dev.berth.server.event.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.event.stream.Heartbeat.Action;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private final Heartbeat hb = new Heartbeat(T0, Duration.ofSeconds(25), Duration.ofSeconds(20));

    @Test
    void pingsAfterTheIntervalThenWaitsForThePong() {
        assertThat(hb.tick(T0.plusSeconds(24))).isEqualTo(Action.NONE);
        assertThat(hb.tick(T0.plusSeconds(25))).isEqualTo(Action.PING);
        assertThat(hb.tick(T0.plusSeconds(44))).isEqualTo(Action.NONE);
        assertThat(hb.pong(T0.plusSeconds(30))).isTrue();
        assertThat(hb.tick(T0.plusSeconds(54))).isEqualTo(Action.NONE);
        assertThat(hb.tick(T0.plusSeconds(55))).isEqualTo(Action.PING);
    }

    @Test
    void closesWhenThePongIsLate() {
        assertThat(hb.tick(T0.plusSeconds(25))).isEqualTo(Action.PING);
        assertThat(hb.tick(T0.plusSeconds(45))).isEqualTo(Action.NONE);
        assertThat(hb.tick(T0.plusSeconds(45).plusMillis(1))).isEqualTo(Action.CLOSE);
    }

    @Test
    void ignoresAnUnexpectedPong() {
        assertThat(hb.pong(T0.plusSeconds(1))).isFalse();
        assertThat(hb.tick(T0.plusSeconds(25))).isEqualTo(Action.PING);
    }
}
