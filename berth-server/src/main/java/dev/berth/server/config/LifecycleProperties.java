package dev.berth.server.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Lifecycle policies ({@code berth.lifecycle.*}; docs/lifecycle.md).
 *
 * @param enabled       false: no policy acts (intervals are still stored and shown)
 * @param sweepInterval how often the reconciler's pass looks for due policies (at most)
 * @param activityFlush how often buffered activity stamps are written
 * @param minute        what one minute of an interval lasts; tests set seconds
 * @param maxArchive    the longest a stopped sandbox waits before it is archived (auto-archive 0 means this)
 * @param probeTimeout  how long the check for running toolbox commands may take before it counts as "none"
 * @param workers       threads that carry out the policies' stops, pauses, archives and deletes
 * @param backupInterval how often a running sandbox's files are backed up to the registry (0 = never, the default)
 */
@Validated
@ConfigurationProperties("berth.lifecycle")
public record LifecycleProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10s") Duration sweepInterval,
        @DefaultValue("5s") Duration activityFlush,
        @DefaultValue("1m") Duration minute,
        @DefaultValue("7d") Duration maxArchive,
        @DefaultValue("2s") Duration probeTimeout,
        @DefaultValue("2") int workers,
        @DefaultValue("0s") Duration backupInterval) {

    public LifecycleProperties {
        for (var e : java.util.Map.of("sweep-interval", sweepInterval, "activity-flush", activityFlush, "minute", minute,
                "max-archive", maxArchive, "probe-timeout", probeTimeout).entrySet()) {
            if (e.getValue().isNegative() || e.getValue().isZero()) {
                throw new IllegalArgumentException("berth.lifecycle." + e.getKey() + " must be positive, got "
                        + e.getValue());
            }
        }
        if (backupInterval.isNegative()) {
            throw new IllegalArgumentException("berth.lifecycle.backup-interval must be 0 (off) or positive, got "
                    + backupInterval);
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("berth.lifecycle.workers must be 1 to 64, got " + workers);
        }
    }
}
