package dev.berth.core.sandbox;

import dev.berth.protocol.ContainerStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * The pure half of the sandbox reconciler: given one view of the sandbox, one observation of its
 * container and the time, decide what to do. No I/O and no clock here (tests pass the time).
 */
public final class SandboxReconcilePolicy {

    /** How old a recorded change must be before a runner's inventory (a snapshot taken before it arrived) may judge it. */
    public static final Duration OBSERVATION_GRACE = Duration.ofSeconds(10);

    /** How the reason of a sandbox reported lost with its runner begins. */
    public static final String RUNNER_LOST = "runner lost";

    private final Duration transitionTimeout;

    public SandboxReconcilePolicy(Duration transitionTimeout) {
        this.transitionTimeout = transitionTimeout;
    }

    /** False for states no observation can change (decide answers NOTHING for them): no need to look. */
    public boolean needsObservation(SandboxState state) {
        return state != SandboxState.DESTROYED && state != SandboxState.ERROR && state != SandboxState.BUILD_FAILED;
    }

    /**
     * What to do about one sandbox given what was seen of its container at {@code now}. Every rule of
     * reconciliation lives here (the loops around it only load, send and record): a lost runner's return,
     * the observation grace of inventories, the exit-code reading of an inventory without detail, the
     * restraint while a job is in flight, the transition timeout.
     */
    public ReconcileDecision decide(SandboxView sandbox, Observation seen, Instant now) {
        if (sandbox.lostWithRunner() && sandbox.state() == SandboxState.ERROR) {
            return runnerReturned(seen.status());
        }
        if (!needsObservation(sandbox.state())) {
            return ReconcileDecision.NOTHING;
        }
        Duration inState = Duration.between(sandbox.stateChangedAt(), now);
        // an inventory is a snapshot taken before it arrived: never judge a change younger than it
        if (seen.isSnapshot() && inState.compareTo(OBSERVATION_GRACE) < 0) {
            return ReconcileDecision.NOTHING;
        }
        ReconcileDecision d = judge(sandbox.state(), sandbox.desired(), seen, inState);
        // a job in flight decides its own outcome (bounded by the job's timeout): what the observation confirms
        // (e.g. a container that runs although the create job's report was lost with a crashed replica) is
        // recorded, but no runner work is asked for and no error declared
        if (sandbox.jobInFlight() && (d.command() != ReconcileDecision.RunnerCommand.NONE
                || d.moveTo() == SandboxState.ERROR)) {
            return ReconcileDecision.NOTHING;
        }
        return d;
    }

    /**
     * The runner holding the sandbox has sent no heartbeat since {@code lastHeartbeat}, for longer than the
     * lost-after setting (the runner-level timing is the health monitor's): the sandbox is reported in error
     * with a reason that says so, once (a sandbox already in error keeps its own reason).
     */
    public ReconcileDecision runnerLost(SandboxView sandbox, String runnerId, Instant lastHeartbeat) {
        if (sandbox.state() == SandboxState.ERROR || !needsObservation(sandbox.state())) {
            return ReconcileDecision.NOTHING;
        }
        return ReconcileDecision.move(SandboxState.ERROR, RUNNER_LOST + ": " + runnerId + " has sent no heartbeat since "
                + lastHeartbeat + "; the sandbox may still exist there");
    }

    /** A sandbox recorded lost with its runner, now that the runner's inventory says what became of it. */
    private static ReconcileDecision runnerReturned(ContainerStatus seen) {
        return switch (seen) {
            case RUNNING -> ReconcileDecision.move(SandboxState.STARTED, null);
            case EXITED, CREATED -> ReconcileDecision.move(SandboxState.STOPPED, null);
            // stays in error: only its reason changes (an error-to-error move is not a transition)
            case MISSING -> ReconcileDecision.explain("the runner came back but the sandbox's container is gone");
        };
    }

    private ReconcileDecision judge(SandboxState state, DesiredState desired, Observation seen, Duration inState) {
        ContainerStatus observed = seen.status();
        boolean timedOut = inState.compareTo(transitionTimeout) > 0;
        if (state.isTransitional()) {
            return transitional(state, observed, timedOut);
        }
        return switch (state) {
            case STARTED -> switch (observed) {
                case RUNNING -> ReconcileDecision.NOTHING;
                case MISSING -> ReconcileDecision.move(SandboxState.ERROR,
                        "the sandbox's container was removed outside Berth");
                case EXITED, CREATED -> exited(seen.judgedExitCode(), seen.oomKilled());
            };
            case STOPPED -> switch (observed) {
                case EXITED, CREATED -> ReconcileDecision.NOTHING;
                case MISSING -> ReconcileDecision.move(SandboxState.ERROR,
                        "the stopped sandbox's container was removed outside Berth");
                case RUNNING -> desired == DesiredState.STOPPED
                        ? new ReconcileDecision(null, null, ReconcileDecision.RunnerCommand.STOP_CONTAINER)
                        : ReconcileDecision.move(SandboxState.STARTED, null);
            };
            default -> ReconcileDecision.NOTHING;
        };
    }

    private ReconcileDecision transitional(SandboxState state, ContainerStatus observed, boolean timedOut) {
        // no action is running for it: the process that started the transition died; finish from what is observed
        return switch (state) {
            // Not re-driven: the runner may still be working on it (a queued job, an image pull), and a
            // second create could only fail on the container name berth-<id>. Once the timeout says
            // nobody is, the truth is that the create was interrupted.
            case CREATING, STARTING, RESTORING -> observed == ContainerStatus.RUNNING
                    ? ReconcileDecision.move(SandboxState.STARTED, null)
                    : !timedOut ? ReconcileDecision.NOTHING
                    : observed == ContainerStatus.MISSING && state == SandboxState.CREATING
                    ? ReconcileDecision.move(SandboxState.ERROR, "sandbox did not reach 'started' within "
                            + transitionTimeout.toSeconds() + " s: create was interrupted before any container existed "
                            + "(the control plane or runner stopped mid-create); delete it and create it again")
                    : ReconcileDecision.move(SandboxState.ERROR, "sandbox did not reach 'started' within "
                            + transitionTimeout.toSeconds() + " s (container " + observed.name().toLowerCase() + ")");
            case STOPPING -> switch (observed) {
                case EXITED, CREATED -> ReconcileDecision.move(SandboxState.STOPPED, null);
                case MISSING -> ReconcileDecision.move(SandboxState.ERROR,
                        "the sandbox's container was removed outside Berth while stopping");
                case RUNNING -> new ReconcileDecision(null, null, ReconcileDecision.RunnerCommand.STOP_CONTAINER);
            };
            case DESTROYING -> observed == ContainerStatus.MISSING
                    ? ReconcileDecision.move(SandboxState.DESTROYED, null)
                    : new ReconcileDecision(null, null, ReconcileDecision.RunnerCommand.REMOVE_CONTAINER);
            default -> timedOut ? ReconcileDecision.move(SandboxState.ERROR, "sandbox stayed in '" + state.wireName()
                    + "' for more than " + transitionTimeout.toSeconds() + " s") : ReconcileDecision.NOTHING;
        };
    }

    private static ReconcileDecision exited(Integer exitCode, boolean oomKilled) {
        if (oomKilled) {
            return ReconcileDecision.move(SandboxState.ERROR,
                    "the sandbox's init process was killed for exceeding its memory limit (OOM)");
        }
        if (exitCode != null && exitCode == 0) {
            // e.g. the engine restarted and stopped it; not restarted automatically (the user decides)
            return ReconcileDecision.move(SandboxState.STOPPED, "the sandbox's container stopped outside Berth (exit code 0)");
        }
        return ReconcileDecision.move(SandboxState.ERROR, "the sandbox's container exited unexpectedly"
                + (exitCode == null ? "" : " with code " + exitCode));
    }
}
