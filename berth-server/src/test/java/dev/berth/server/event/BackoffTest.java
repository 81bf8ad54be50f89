package dev.berth.server.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** A clock the test moves by hand. */
    static final class FakeClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final FakeClock clock = new FakeClock();
    private final Backoff backoff = new Backoff(
            new EventsProperties.Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)), 6, clock);

    @Test
    void delayDoublesFromTheBaseUpToTheCap() {
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.delay(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(1000)).as("no overflow far past the cap").isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void nextAttemptIsMeasuredFromTheClock() {
        Instant start = clock.instant();
        assertThat(backoff.nextAttemptAt(1)).isEqualTo(start.plusSeconds(1));
        clock.advance(Duration.ofMinutes(5));
        assertThat(backoff.nextAttemptAt(3)).isEqualTo(start.plus(Duration.ofMinutes(5)).plusSeconds(4));
    }

    @Test
    void parksAtTheMaximumAttempts() {
        assertThat(backoff.parks(5)).isFalse();
        assertThat(backoff.parks(6)).isTrue();
    }

    @Test
    void aFactorOfOneIsAConstantDelay() {
        var constant = new Backoff(new EventsProperties.Backoff(Duration.ofMillis(250), 1.0, Duration.ofMinutes(1)),
                3, clock);
        assertThat(constant.delay(1)).isEqualTo(constant.delay(7)).isEqualTo(Duration.ofMillis(250));
    }
}
