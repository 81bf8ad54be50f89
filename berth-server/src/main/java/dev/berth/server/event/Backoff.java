package dev.berth.server.event;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** When a failed delivery is tried again, or whether it is parked. Pure arithmetic. */
final class Backoff {

    private final EventsProperties.Backoff config;
    private final int maxAttempts;
    private final Clock clock;

    Backoff(EventsProperties.Backoff config, int maxAttempts, Clock clock) {
        this.config = config;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
    }

    /** Delay after the {@code attempts}-th failure (1-based): min(cap, base * factor^(attempts-1)). */
    Duration delay(int attempts) {
        double millis = config.base().toMillis() * Math.pow(config.factor(), Math.max(0, attempts - 1));
        long cap = config.cap().toMillis();
        return Duration.ofMillis(millis >= cap ? cap : (long) millis);
    }

    boolean parks(int attempts) {
        return attempts >= maxAttempts;
    }

    /** The time of the next attempt after the {@code attempts}-th failure. */
    Instant nextAttemptAt(int attempts) {
        return clock.instant().plus(delay(attempts));
    }
}
