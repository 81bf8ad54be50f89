package dev.berth.core.sandbox;

import java.time.Instant;

/**
 * What the reconciler knows of one sandbox from the database when it judges an observation.
 *
 * @param version        the row's version: a decision is recorded only if the row still has it
 * @param stateChangedAt when the sandbox entered {@code state}
 * @param jobInFlight    a runner job for the sandbox is unfinished: its outcome is pending
 * @param errorKind      why it is in error (null outside {@code error})
 */
public record SandboxView(SandboxState state, DesiredState desired, long version, Instant stateChangedAt,
        boolean jobInFlight, ErrorKind errorKind) {

    /** A sandbox with no job in flight and no error kind (e.g. one the embedded runner holds). */
    public static SandboxView of(SandboxState state, DesiredState desired, Instant stateChangedAt) {
        return new SandboxView(state, desired, 0, stateChangedAt, false, null);
    }

    /** Recorded in error because its runner stopped answering, not because of anything observed about it. */
    public boolean lostWithRunner() {
        return state == SandboxState.ERROR && errorKind == ErrorKind.RUNNER_LOST;
    }
}
