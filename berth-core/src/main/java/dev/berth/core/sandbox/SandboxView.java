package dev.berth.core.sandbox;

import java.time.Instant;

/**
 * What the reconciler knows of one sandbox from the database when it judges an observation.
 *
 * @param stateChangedAt when the sandbox entered {@code state}
 * @param jobInFlight    a runner job for the sandbox is unfinished: its outcome is pending
 * @param lostWithRunner recorded in error because its runner stopped answering (not because of anything
 *                       observed about the sandbox), so the runner's next inventory settles it
 */
public record SandboxView(SandboxState state, DesiredState desired, Instant stateChangedAt, boolean jobInFlight,
        boolean lostWithRunner) {

    /** A sandbox with no job in flight that was not lost with its runner (e.g. one the embedded runner holds). */
    public static SandboxView of(SandboxState state, DesiredState desired, Instant stateChangedAt) {
        return new SandboxView(state, desired, stateChangedAt, false, false);
    }
}
