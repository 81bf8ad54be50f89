package dev.berth.core.warmpool;

import java.time.Duration;
import java.time.Instant;

/**
 * The pure decision of warm-pool replenishment: given what one pool holds now, how often it was claimed lately,
 * the room left in the capacity reserved for pools and the pool's failure record, decide how many sandboxes to
 * start, how many unclaimed ones to remove, what the pool's error is, and when to look again. The reconciler
 * gathers the observation under the pool's row lock and carries the decision out; no I/O and no clock here.
 *
 * <p>Sizing: the target is the number of claims in the last rate window (enough to serve the recent rate again
 * without waiting for a refill), kept between the pool's {@code min} and {@code max}. Pools made through the API
 * have {@code min == max}: exactly the size asked for. Repeated failures back off exponentially (1 s doubling,
 * at most {@link #MAX_BACKOFF}) with the last reason kept as the pool's error; a member that reaches
 * {@code started} after the last failure clears both.
 */
public final class WarmPoolSizer {

    public static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** When a pool that cannot grow (no room, snapshot unusable) is looked at again without another signal. */
    public static final Duration BLOCKED_RECHECK = Duration.ofSeconds(30);

    private final int parallelCreates;

    /** @param parallelCreates most members of one pool being created at once */
    public WarmPoolSizer(int parallelCreates) {
        if (parallelCreates < 1) {
            throw new IllegalArgumentException("parallelCreates must be at least 1");
        }
        this.parallelCreates = parallelCreates;
    }

    /**
     * One pool as the gatherer saw it.
     *
     * @param min             fewest sandboxes kept
     * @param max             most sandboxes kept (0 drains the pool)
     * @param ready           unclaimed members in {@code started}
     * @param creating        unclaimed members on their way there
     * @param failed          unclaimed members in error (removed by this decision, counted as failures)
     * @param failureReason   the newest failed member's reason, or null
     * @param latestReadyAt   when the newest ready member became ready, or null
     * @param recentClaims    claims in the last rate window
     * @param room            more pool sandboxes the capacity reserved for pools in the pool's region admits
     * @param unusable        why the pool's snapshot cannot be used now (not active, say), or null
     * @param failures        consecutive failures recorded so far
     * @param retryAt         no create before this, or null
     */
    public record Observed(int min, int max, int ready, int creating, int failed, String failureReason,
            Instant latestReadyAt, long recentClaims, long room, String unusable, int failures, Instant retryAt) {
    }

    /**
     * @param target     the size aimed for now
     * @param create     members to start now
     * @param remove     ready members to remove (surplus), besides every failed one
     * @param failures   the failure count to record
     * @param retryAt    the backoff deadline to record (null: none)
     * @param error      the pool's error to record (null: none)
     * @param lookAgain  when to decide again without another signal (null: at the next signal or sweep)
     */
    public record Decision(int target, int create, int remove, int failures, Instant retryAt, String error,
            Duration lookAgain) {
    }

    public Decision decide(Observed o, Instant now) {
        int target = (int) Math.max(o.min(), Math.min(o.max(), o.recentClaims()));
        target = Math.min(target, o.max());
        int failures = o.failures();
        Instant retryAt = o.retryAt();
        String error = null;
        if (failures > 0 && retryAt != null && o.latestReadyAt() != null
                && o.latestReadyAt().isAfter(retryAt.minus(backoff(failures)))) {
            failures = 0; // a member started after the last failure: the cause is gone
            retryAt = null;
        }
        if (o.failed() > 0) {
            failures += o.failed();
            retryAt = now.plus(backoff(failures));
        }
        if (failures > 0) {
            error = "starting a pool sandbox failed " + failures + " time" + (failures == 1 ? "" : "s")
                    + " in a row; retrying at " + retryAt + (o.failureReason() == null ? "" : ": " + o.failureReason());
        }
        int have = o.ready() + o.creating();
        int remove = Math.max(0, Math.min(o.ready(), have - target));
        int create = 0;
        Duration lookAgain = null;
        int missing = target - have;
        if (missing > 0) {
            if (o.unusable() != null) {
                error = o.unusable();
                lookAgain = BLOCKED_RECHECK;
            } else if (retryAt != null && now.isBefore(retryAt)) {
                lookAgain = Duration.between(now, retryAt);
            } else if (o.room() <= 0) {
                error = "the capacity reserved for warm pools is in use (berth.warm-pools.reserved-share)";
                lookAgain = BLOCKED_RECHECK;
            } else {
                create = (int) Math.min(Math.min(missing, o.room()), Math.max(0, parallelCreates - o.creating()));
            }
        }
        return new Decision(target, create, remove, failures, retryAt, error, lookAgain);
    }

    /** 1 s after the first failure, doubling, at most {@link #MAX_BACKOFF}. */
    public static Duration backoff(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        long seconds = 1L << Math.min(failures - 1, 20);
        return seconds >= MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
    }
}
