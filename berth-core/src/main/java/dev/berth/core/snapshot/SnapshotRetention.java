package dev.berth.core.snapshot;

import java.time.Duration;
import java.time.Instant;

/** When an organization's snapshot counts as unused: no sandbox was created from it for {@code inactiveAfter}. */
public final class SnapshotRetention {

    private final Duration inactiveAfter;

    /** @param inactiveAfter zero or negative: snapshots never become inactive on their own */
    public SnapshotRetention(Duration inactiveAfter) {
        this.inactiveAfter = inactiveAfter;
    }

    /**
     * @param lastUsed when a sandbox was last created from it (null: never)
     * @param created  when it was created (an unused snapshot counts from here)
     */
    public boolean unused(Instant lastUsed, Instant created, Instant now) {
        if (inactiveAfter.isZero() || inactiveAfter.isNegative()) {
            return false;
        }
        Instant since = lastUsed != null && lastUsed.isAfter(created) ? lastUsed : created;
        return !since.plus(inactiveAfter).isAfter(now);
    }
}
