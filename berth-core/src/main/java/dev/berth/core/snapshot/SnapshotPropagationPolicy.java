package dev.berth.core.snapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a snapshot's image should be, and what to send to get it there: an active snapshot belongs on every
 * runner of its regions that takes work (pulled before a sandbox needs it), anything else on none. A pull in
 * flight is left alone until it times out; a failed pull is retried with a doubling back-off.
 */
public final class SnapshotPropagationPolicy {

    /** What to send to one runner. */
    public enum Command {
        PULL, REMOVE
    }

    public record Action(String runnerId, Command command) {
    }

    private final Duration workTimeout;
    private final Duration firstRetry;
    private final Duration maxRetry;

    public SnapshotPropagationPolicy(Duration workTimeout, Duration firstRetry, Duration maxRetry) {
        this.workTimeout = workTimeout;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    /**
     * @param wanted whether the snapshot is active (its image belongs on the runners given)
     * @param copies one entry per runner of the snapshot's regions, and per runner that holds or pulls it elsewhere
     */
    public List<Action> decide(boolean wanted, List<SnapshotCopy> copies, Instant now) {
        List<Action> actions = new ArrayList<>();
        for (SnapshotCopy c : copies) {
            boolean busy = (c.state() == SnapshotCopy.CopyState.PULLING || c.state() == SnapshotCopy.CopyState.REMOVING)
                    && c.since() != null && c.since().plus(workTimeout).isAfter(now);
            if (busy) {
                continue;
            }
            if (wanted && !c.holds() && c.accepting()) {
                if (c.state() == SnapshotCopy.CopyState.ERROR && c.since() != null
                        && c.since().plus(backoff(c.failures())).isAfter(now)) {
                    continue;
                }
                actions.add(new Action(c.runnerId(), Command.PULL));
            } else if (!wanted && c.holds()) {
                actions.add(new Action(c.runnerId(), Command.REMOVE));
            }
        }
        return actions;
    }

    /** The wait after {@code failures} failed pulls in a row: first, doubled each time, at most max. */
    public Duration backoff(int failures) {
        Duration d = firstRetry;
        for (int i = 1; i < failures && d.compareTo(maxRetry) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetry) > 0 ? maxRetry : d;
    }
}
