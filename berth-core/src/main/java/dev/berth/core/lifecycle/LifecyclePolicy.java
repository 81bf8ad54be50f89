package dev.berth.core.lifecycle;

import dev.berth.core.lifecycle.LifecycleDecision.Action;
import dev.berth.core.lifecycle.LifecycleDecision.Rule;
import dev.berth.core.sandbox.SandboxState;
import java.time.Duration;
import java.time.Instant;

/**
 * The lifecycle rules of a sandbox, as one pure decision (no clock, no I/O): auto-stop or auto-pause after its
 * idle interval (unless a toolbox command still runs: the caller probes the agent when asked and decides again),
 * auto-archive and auto-delete after its stopped intervals, and the {@code ttl} deadline. Every interval counts
 * from the later of the sandbox's last activity or state change and the last change of its intervals, so a
 * change takes effect from the moment it is made, never retroactively.
 */
public final class LifecyclePolicy {

    private final Duration minute;
    private final Duration maxArchive;
    private final boolean archiveSupported;
    private final Duration backupInterval;

    /**
     * @param minute           what one minute of an interval lasts (a minute; tests run on seconds)
     * @param maxArchive       the longest a stopped sandbox waits before it is archived (and what an interval of 0
     *                         means); longer intervals are capped to it
     * @param archiveSupported false where sandboxes cannot be archived (then none is archived automatically)
     * @param backupInterval   how often a running sandbox is backed up; zero = never
     */
    public LifecyclePolicy(Duration minute, Duration maxArchive, boolean archiveSupported, Duration backupInterval) {
        if (maxArchive.isNegative() || maxArchive.isZero()) {
            throw new IllegalArgumentException("the maximum auto-archive interval must be positive, got " + maxArchive);
        }
        this.minute = minute;
        this.maxArchive = maxArchive;
        this.archiveSupported = archiveSupported;
        if (backupInterval.isNegative()) {
            throw new IllegalArgumentException("the backup interval must not be negative, got " + backupInterval);
        }
        this.backupInterval = backupInterval;
    }

    public LifecycleDecision decide(LifecycleView v, Instant now) {
        Instant ttl = v.destroyAt();
        if (ttl != null && !now.isBefore(ttl) && settled(v.state())) {
            return LifecycleDecision.act(Action.DELETE, Rule.TTL, "ttl: its deadline " + ttl + " passed");
        }
        Instant ttlNext = ttl != null && settled(v.state()) ? ttl : null;
        return switch (v.state()) {
            case STARTED -> idle(v, now, ttlNext);
            case STOPPED -> stopped(v, now, ttlNext);
            case ARCHIVED -> deleteAfter(v, now, ttlNext, "archived");
            default -> LifecycleDecision.none(ttlNext);
        };
    }

    private static boolean settled(SandboxState s) {
        return switch (s) {
            case STARTED, STOPPED, PAUSED, ARCHIVED, ERROR, BUILD_FAILED -> true;
            default -> false;
        };
    }

    private LifecycleDecision idle(LifecycleView v, Instant now, Instant ttlNext) {
        boolean pause = v.autoPause() > 0;
        int minutes = pause ? v.autoPause() : v.autoStop();
        if (minutes <= 0) {
            return backup(v, now, ttlNext);
        }
        Instant idleSince = latest(latest(v.lastActivityAt(), v.stateChangedAt()), v.policyChangedAt());
        Instant due = idleSince.plus(minutes(minutes));
        if (now.isBefore(due)) {
            return backup(v, now, earliest(due, ttlNext));
        }
        if (v.busy() == null) {
            return new LifecycleDecision(Action.PROBE, null, null, null);
        }
        if (v.busy()) {
            return new LifecycleDecision(Action.TOUCH, null, null, earliest(now.plus(minutes(minutes)), ttlNext));
        }
        String what = pause ? "auto-pause" : "auto-stop";
        return LifecycleDecision.act(pause ? Action.PAUSE : Action.STOP, pause ? Rule.AUTO_PAUSE : Rule.AUTO_STOP, what + ": idle for " + minutes
                + " min (no toolbox call, open connection or running command since " + idleSince + ")");
    }

    /** A running sandbox's periodic backup, one interval after its last (or after it started), when nothing else is due. */
    private LifecycleDecision backup(LifecycleView v, Instant now, Instant next) {
        if (backupInterval.isZero()) {
            return LifecycleDecision.none(next);
        }
        Instant due = latest(v.backupAt(), v.stateChangedAt()).plus(backupInterval);
        if (now.isBefore(due)) {
            return LifecycleDecision.none(earliest(due, next));
        }
        return new LifecycleDecision(Action.BACKUP, Rule.BACKUP, "backup: last one " + (v.backupAt() == null ? "never taken"
                : "at " + v.backupAt()), earliest(now.plus(backupInterval), next));
    }

    private LifecycleDecision stopped(LifecycleView v, Instant now, Instant ttlNext) {
        Instant since = latest(v.stateChangedAt(), v.policyChangedAt());
        Instant next = ttlNext;
        if (v.autoDelete() >= 0) {
            Instant due = since.plus(minutes(v.autoDelete()));
            if (!now.isBefore(due)) {
                return LifecycleDecision.act(Action.DELETE, Rule.AUTO_DELETE, v.autoDelete() == 0 ? "auto-delete: ephemeral, deleted once stopped"
                        : "auto-delete: stopped for " + v.autoDelete() + " min");
            }
            next = earliest(due, next);
        }
        if (archiveSupported) {
            Duration after = v.autoArchive() <= 0 ? maxArchive : min(minutes(v.autoArchive()), maxArchive);
            Instant due = since.plus(after);
            if (!now.isBefore(due)) {
                return LifecycleDecision.act(Action.ARCHIVE, Rule.AUTO_ARCHIVE, "auto-archive: stopped for " + after.dividedBy(minute) + " min");
            }
            next = earliest(due, next);
        }
        return LifecycleDecision.none(next);
    }

    private LifecycleDecision deleteAfter(LifecycleView v, Instant now, Instant ttlNext, String what) {
        if (v.autoDelete() < 0) {
            return LifecycleDecision.none(ttlNext);
        }
        Instant due = latest(v.stateChangedAt(), v.policyChangedAt()).plus(minutes(v.autoDelete()));
        if (!now.isBefore(due)) {
            return LifecycleDecision.act(Action.DELETE, Rule.AUTO_DELETE, "auto-delete: " + what + " for " + v.autoDelete() + " min");
        }
        return LifecycleDecision.none(earliest(due, ttlNext));
    }

    private Duration minutes(int n) {
        return minute.multipliedBy(n);
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
