package dev.berth.server.event;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox dispatcher (BERTH_EVENTS_...).
 *
 * @param workers       handler threads of this replica
 * @param batchSize     events claimed per round
 * @param lease         how long a claim keeps other replicas off an event; a crashed replica's events
 *                      are taken over after it. An event starts only with half its lease left, so it
 *                      must exceed twice the slowest handler run
 * @param sweep         period of the safety-net poll (other replicas' events, retries, crashes); the
 *                      common path is woken right after commit and does not wait for it
 * @param maxAttempts   failed attempts after which a handler's delivery is parked
 * @param backoff       delay before retry n: min(cap, base * factor^(n-1))
 * @param retention     processed events older than this are pruned
 * @param pruneInterval period of the pruning job
 * @param pruneBatch    rows deleted per statement
 */
@Validated
@ConfigurationProperties("berth.events")
public record EventsProperties(
        @DefaultValue("4") @Min(1) @Max(64) int workers,
        @DefaultValue("100") @Min(1) @Max(1000) int batchSize,
        @DefaultValue("60s") @NotNull Duration lease,
        @DefaultValue("5s") @NotNull Duration sweep,
        @DefaultValue("10") @Min(1) int maxAttempts,
        @Valid @DefaultValue Backoff backoff,
        @DefaultValue("7d") @NotNull Duration retention,
        @DefaultValue("10m") @NotNull Duration pruneInterval,
        @DefaultValue("1000") @Min(1) int pruneBatch) {

    public EventsProperties {
        positive("berth.events.lease", lease);
        positive("berth.events.sweep", sweep);
        positive("berth.events.retention", retention);
        positive("berth.events.prune-interval", pruneInterval);
        positive("berth.events.backoff.base", backoff.base());
        if (backoff.cap().compareTo(backoff.base()) < 0) {
            throw new IllegalArgumentException("berth.events.backoff.cap (" + backoff.cap()
                    + ") must not be below berth.events.backoff.base (" + backoff.base() + ")");
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** Exponential back-off between attempts of a failing handler. */
    public record Backoff(
            @DefaultValue("1s") @NotNull Duration base,
            @DefaultValue("2.0") @DecimalMin("1.0") double factor,
            @DefaultValue("5m") @NotNull Duration cap) {
    }
}
