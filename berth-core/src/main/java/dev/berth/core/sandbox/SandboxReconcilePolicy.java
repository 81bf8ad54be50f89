package dev.berth.core.sandbox;

import dev.berth.protocol.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The pure half of the one sandbox reconciler: given one view of the sandbox, one observation and the time,
 * decide what to record, what to ask the runner for, and when to look again. Every rule of reconciliation
 * lives here (the loop around it only gathers observations, sends commands and records): the observation grace
 * of inventories, the settling of a container death, the exit-code reading of an inventory without detail, the
 * restraint while a job is in flight, how long an interrupted action is left to its owner, a lost runner and
 * its return, and the transition timeout. No I/O and no clock here (tests pass the time).
 */
public final class SandboxReconcilePolicy {

    /** How old a recorded change must be before a runner's inventory (a snapshot taken before it arrived) may judge it. */
    public static final Duration OBSERVATION_GRACE = Duration.ofSeconds(10);

    /** A container removal is "die" then "destroy" within milliseconds: a death is judged this much later. */
    public static final Duration DEATH_SETTLE = Duration.ofMillis(300);

    /** When to look again after sending a command, to record what it did. */
    public static final Duration FOLLOW_UP = Duration.ofSeconds(1);

    private final Duration transitionTimeout;
    private final Duration actionGrace;

    /**
     * @param transitionTimeout how long a transition may take before the sandbox is declared in error
     * @param actionGrace       how long a transitional state is left to the request that recorded it before the
     *                          reconciler takes the work over (that request's process may have died)
     */
    public SandboxReconcilePolicy(Duration transitionTimeout, Duration actionGrace) {
        if (actionGrace.compareTo(transitionTimeout) >= 0) {
            throw new IllegalArgumentException("the action grace (" + actionGrace + ") must be shorter than the "
                    + "transition timeout (" + transitionTimeout + ")");
        }
        this.transitionTimeout = transitionTimeout;
        this.actionGrace = actionGrace;
    }

    /** False when no observation can change anything (decide answers NOTHING): no need to look. */
    public boolean needsObservation(SandboxView sandbox) {
        return sandbox.lostWithRunner() || settles(sandbox.state());
    }

    private static boolean settles(SandboxState state) {
        return state != SandboxState.DESTROYED && state != SandboxState.ERROR && state != SandboxState.BUILD_FAILED;
    }

    /** Not in error already, and in a state that has something on a runner to fail (not archived, say). */
    private static boolean canFail(SandboxState state) {
        return settles(state) && SandboxTransitions.isAllowed(state, SandboxState.ERROR);
    }

    /** What to do about one sandbox given one observation made at (or arriving by) {@code now}. */
    public ReconcileDecision decide(SandboxView sandbox, Observation seen, Instant now) {
        if (seen instanceof Observation.RunnerSilent silent) {
            return runnerSilent(sandbox, silent);
        }
        if (seen instanceof Observation.CommandFailed failed) {
            return canFail(sandbox.state()) ? ReconcileDecision.fail(ErrorKind.ACTION_FAILED,
                    failed.command().name().toLowerCase() + " by the reconciler failed: " + failed.message())
                    : ReconcileDecision.NOTHING;
        }
        return container(sandbox, (Observation.Container) seen, now);
    }

    private ReconcileDecision container(SandboxView sandbox, Observation.Container seen, Instant now) {
        if (sandbox.lostWithRunner()) {
            return runnerReturned(seen.status(), sandbox.desired());
        }
        if (!settles(sandbox.state())) {
            return ReconcileDecision.NOTHING;
        }
        Duration inState = Duration.between(sandbox.stateChangedAt(), now);
        // an inventory is a snapshot taken before it arrived: never judge a change younger than it
        if (seen.isSnapshot() && inState.compareTo(OBSERVATION_GRACE) < 0) {
            return ReconcileDecision.NOTHING;
        }
        if (seen.source() == Observation.Source.ENGINE_EVENT && seen.status() == ContainerStatus.EXITED) {
            return ReconcileDecision.lookAgain(DEATH_SETTLE); // it may be on its way to removal: judge what remains
        }
        ReconcileDecision d = judge(sandbox, seen, inState);
        // a job in flight decides its own outcome (bounded by the job's timeout): what the observation confirms
        // (e.g. a container that runs although the create job's report was lost with a crashed replica) is
        // recorded, but no runner work is asked for and no error declared
        if (sandbox.jobInFlight() && (!d.commands().isEmpty() || d.moveTo() == SandboxState.ERROR)) {
            return ReconcileDecision.NOTHING;
        }
        return d;
    }

    /** Once, for a sandbox not already in error; the runner's next inventory settles it ({@link #runnerReturned}). */
    private static ReconcileDecision runnerSilent(SandboxView sandbox, Observation.RunnerSilent silent) {
        if (!canFail(sandbox.state())) {
            return ReconcileDecision.NOTHING;
        }
        return ReconcileDecision.fail(ErrorKind.RUNNER_LOST, "runner lost: " + silent.runnerId()
                + " has sent no heartbeat since " + silent.lastHeartbeat() + "; the sandbox may still exist there");
    }

    /** A sandbox recorded lost with its runner, now that the runner's inventory says what became of it. */
    private static ReconcileDecision runnerReturned(ContainerStatus seen, DesiredState desired) {
        return switch (seen) {
            // a paused sandbox's container stays frozen while its runner is away: it comes back paused, not started
            case RUNNING -> ReconcileDecision.move(desired == DesiredState.PAUSED ? SandboxState.PAUSED : SandboxState.STARTED);
            case EXITED, CREATED -> ReconcileDecision.move(SandboxState.STOPPED);
            // stays in error: only its kind and reason change (an error-to-error move is not a transition)
            case MISSING -> ReconcileDecision.explain(ErrorKind.CONTAINER_REMOVED,
                    "the runner came back but the sandbox's container is gone");
        };
    }

    private ReconcileDecision judge(SandboxView sandbox, Observation.Container seen, Duration inState) {
        ContainerStatus observed = seen.status();
        return switch (sandbox.state()) {
            case CREATING -> observed == ContainerStatus.RUNNING ? ReconcileDecision.move(SandboxState.STARTED)
                    : drive(sandbox.state(), observed, inState, RunnerCommand.CREATE);
            case STARTING -> switch (observed) {
                case RUNNING -> ReconcileDecision.move(SandboxState.STARTED);
                case MISSING -> inState.compareTo(actionGrace) < 0 ? ReconcileDecision.lookAgain(actionGrace.minus(inState))
                        : ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                                "the sandbox's container was removed outside Berth while starting");
                case EXITED, CREATED -> drive(sandbox.state(), observed, inState, RunnerCommand.START);
            };
            case RESTORING -> restoring(sandbox, observed, inState);
            case ARCHIVING -> archiving(sandbox, observed, inState);
            case STOPPING -> switch (observed) {
                case EXITED, CREATED -> ReconcileDecision.move(SandboxState.STOPPED);
                case MISSING -> ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                        "the sandbox's container was removed outside Berth while stopping");
                case RUNNING -> ReconcileDecision.send(RunnerCommand.STOP, FOLLOW_UP);
            };
            case DESTROYING -> observed == ContainerStatus.MISSING ? ReconcileDecision.move(SandboxState.DESTROYED)
                    : ReconcileDecision.send(RunnerCommand.REMOVE, FOLLOW_UP);
            case STARTED -> switch (observed) {
                case RUNNING -> ReconcileDecision.NOTHING;
                case MISSING -> ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                        "the sandbox's container was removed outside Berth");
                case EXITED, CREATED -> exited(seen.judgedExitCode(), seen.oomKilled());
            };
            case STOPPED -> switch (observed) {
                case EXITED, CREATED -> ReconcileDecision.NOTHING;
                case MISSING -> ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                        "the stopped sandbox's container was removed outside Berth");
                case RUNNING -> sandbox.desired() == DesiredState.STOPPED
                        ? ReconcileDecision.send(RunnerCommand.STOP, FOLLOW_UP)
                        : ReconcileDecision.move(SandboxState.STARTED);
            };
            case PAUSED -> switch (observed) {
                case RUNNING -> ReconcileDecision.NOTHING; // an inventory does not tell paused from running
                case MISSING -> ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                        "the paused sandbox's container was removed outside Berth");
                case EXITED, CREATED -> new ReconcileDecision(SandboxState.STOPPED, null,
                        "the paused sandbox's container stopped outside Berth (e.g. an engine restart)", List.of(), null);
            };
            case PAUSING, RESUMING -> pauseOrResume(sandbox.state(), observed, inState);
            case RESIZING -> resizing(observed, inState);
            // other transitions are bounded by the timeout; settled states without a container (archived) need nothing
            default -> sandbox.state().isTransitional() ? timedOut(sandbox.state(), observed, inState)
                    : ReconcileDecision.NOTHING;
        };
    }

    /**
     * A resize records the new size with 'resizing' and then changes the container: one its request did not finish
     * gets the recorded size again (idempotent) after the action grace, and settles as the container runs or not.
     */
    private ReconcileDecision resizing(ContainerStatus observed, Duration inState) {
        if (observed == ContainerStatus.MISSING) {
            return ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                    "the sandbox's container was removed outside Berth while resizing");
        }
        if (inState.compareTo(actionGrace) < 0) {
            return ReconcileDecision.lookAgain(actionGrace.minus(inState));
        }
        return new ReconcileDecision(observed == ContainerStatus.RUNNING ? SandboxState.STARTED : SandboxState.STOPPED,
                null, null, List.of(RunnerCommand.RESIZE), null);
    }

    /**
     * A pause or resume the request that recorded it did not finish (its process may have died): after the action
     * grace the reconciler sends it again (both are idempotent) and records where it ends.
     */
    private ReconcileDecision pauseOrResume(SandboxState state, ContainerStatus observed, Duration inState) {
        return switch (observed) {
            case MISSING -> ReconcileDecision.fail(ErrorKind.CONTAINER_REMOVED,
                    "the sandbox's container was removed outside Berth while " + state.wireName());
            case EXITED, CREATED -> ReconcileDecision.move(SandboxState.STOPPED);
            case RUNNING -> inState.compareTo(actionGrace) < 0 ? ReconcileDecision.lookAgain(actionGrace.minus(inState))
                    : state == SandboxState.PAUSING
                            ? new ReconcileDecision(SandboxState.PAUSED, null, null, List.of(RunnerCommand.PAUSE), null)
                            : new ReconcileDecision(SandboxState.STARTED, null, null, List.of(RunnerCommand.RESUME), null);
        };
    }

    /**
     * An archive is left to its request for the action grace and while a runner job for it runs; after that its
     * request died, and the container tells how far it got. Still there: the archive is abandoned and the sandbox
     * is stopped as it was (archiving again makes a new archive). Gone: the archive removes the container only
     * after the registry showed the pushed image, so the sandbox is archived.
     */
    private ReconcileDecision archiving(SandboxView sandbox, ContainerStatus observed, Duration inState) {
        if (sandbox.jobInFlight()) {
            return ReconcileDecision.NOTHING;
        }
        if (inState.compareTo(actionGrace) < 0) {
            return ReconcileDecision.lookAgain(actionGrace.minus(inState));
        }
        return switch (observed) {
            case EXITED, CREATED -> new ReconcileDecision(SandboxState.STOPPED, null, "the archive was interrupted "
                    + "(the control plane stopped while archiving); the sandbox is unchanged on its runner: archive it "
                    + "again", List.of(), null);
            case MISSING -> ReconcileDecision.move(SandboxState.ARCHIVED);
            case RUNNING -> timedOut(sandbox.state(), observed, inState);
        };
    }

    /**
     * A restore whose container runs is done. Otherwise it is left to its request for the action grace and while
     * a runner job for it runs; then a container that was made is started, and a restore that made none goes back
     * to archived (the archive is untouched), for a later start to try again.
     */
    private ReconcileDecision restoring(SandboxView sandbox, ContainerStatus observed, Duration inState) {
        if (observed == ContainerStatus.RUNNING) {
            return ReconcileDecision.move(SandboxState.STARTED);
        }
        if (sandbox.jobInFlight()) {
            return ReconcileDecision.NOTHING;
        }
        if (observed == ContainerStatus.MISSING) {
            return inState.compareTo(actionGrace) < 0 ? ReconcileDecision.lookAgain(actionGrace.minus(inState))
                    : new ReconcileDecision(SandboxState.ARCHIVED, null, "the restore was interrupted before its "
                            + "container was made; the archive is kept: start the sandbox again", List.of(), null);
        }
        return drive(sandbox.state(), observed, inState, RunnerCommand.START);
    }

    /**
     * A create or start whose container is not running yet: left to the request that recorded it for the action
     * grace; then the reconciler finishes it (the request's process may have died half-way; the command is
     * idempotent, so a slow request that is still alive loses nothing); past the transition timeout, it failed.
     */
    private ReconcileDecision drive(SandboxState state, ContainerStatus observed, Duration inState, RunnerCommand command) {
        if (inState.compareTo(transitionTimeout) > 0) {
            return timedOut(state, observed, inState);
        }
        if (inState.compareTo(actionGrace) < 0) {
            return ReconcileDecision.lookAgain(actionGrace.minus(inState));
        }
        return ReconcileDecision.send(command, FOLLOW_UP);
    }

    private ReconcileDecision timedOut(SandboxState state, ContainerStatus observed, Duration inState) {
        if (inState.compareTo(transitionTimeout) <= 0) {
            return ReconcileDecision.NOTHING;
        }
        String reason = state == SandboxState.CREATING || state == SandboxState.STARTING || state == SandboxState.RESTORING
                ? "sandbox did not reach 'started' within " + transitionTimeout.toSeconds() + " s (container "
                        + observed.name().toLowerCase() + "); delete it, or start it again"
                : "sandbox stayed in '" + state.wireName() + "' for more than " + transitionTimeout.toSeconds() + " s";
        return ReconcileDecision.fail(ErrorKind.TRANSITION_TIMEOUT, reason);
    }

    private static ReconcileDecision exited(Integer exitCode, boolean oomKilled) {
        if (oomKilled) {
            return ReconcileDecision.fail(ErrorKind.OUT_OF_MEMORY,
                    "the sandbox's init process was killed for exceeding its memory limit (OOM)");
        }
        if (exitCode != null && exitCode == 0) {
            // e.g. the engine restarted and stopped it; not restarted automatically (the user decides)
            return new ReconcileDecision(SandboxState.STOPPED, null,
                    "the sandbox's container stopped outside Berth (exit code 0)", List.of(), null);
        }
        return ReconcileDecision.fail(ErrorKind.CONTAINER_EXITED, "the sandbox's container exited unexpectedly"
                + (exitCode == null ? "" : " with code " + exitCode));
    }
}
