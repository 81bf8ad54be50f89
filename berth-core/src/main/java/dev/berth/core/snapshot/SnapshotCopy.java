package dev.berth.core.snapshot;

import java.time.Instant;

/**
 * What is known about one snapshot's image on one runner.
 *
 * @param holds     the runner's last report lists the image
 * @param state     the last propagation work recorded for it
 * @param since     when {@code state} was recorded (null for {@link CopyState#NONE})
 * @param failures  pulls that failed in a row
 * @param accepting the runner takes new work (ready and schedulable)
 */
public record SnapshotCopy(String runnerId, boolean holds, CopyState state, Instant since, int failures,
        boolean accepting) {

    /** The propagation work recorded for a runner's copy. */
    public enum CopyState {
        NONE, PULLING, READY, REMOVING, ERROR
    }
}
