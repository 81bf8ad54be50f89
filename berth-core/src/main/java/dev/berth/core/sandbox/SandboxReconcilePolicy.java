package dev.berth.core.sandbox;

import dev.berth.protocol.ContainerStatus;
import java.time.Duration;

/**
 * The pure half of the sandbox reconciler: given the recorded state, the desire, what the runner
 * observes and how long the sandbox has been in its state, decide what to do. No I/O here.
 */
public final class SandboxReconcilePolicy {

    private final Duration transitionTimeout;

    public SandboxReconcilePolicy(Duration transitionTimeout) {
        this.transitionTimeout = transitionTimeout;
    }

    /**
     * @param inState how long the sandbox has been in {@code state}
     * @param busy    true while an action for this sandbox is running (its outcome is pending)
     */
    /** False for states no observation can change (decide answers NOTHING for them): no need to look. */
    public boolean needsObservation(SandboxState state) {
        return state != SandboxState.DESTROYED && state != SandboxState.ERROR && state != SandboxState.BUILD_FAILED;
    }

    public ReconcileDecision decide(SandboxState state, DesiredState desired, ContainerStatus observed,
            Integer exitCode, boolean oomKilled, Duration inState, boolean busy) {
        if (busy || !needsObservation(state)) {
            return ReconcileDecision.NOTHING;
        }
        boolean timedOut = inState.compareTo(transitionTimeout) > 0;
        if (state.isTransitional()) {
            return transitional(state, observed, timedOut);
        }
        return switch (state) {
            case STARTED -> switch (observed) {
                case RUNNING -> ReconcileDecision.NOTHING;
                case MISSING -> ReconcileDecision.move(SandboxState.ERROR,
                        "the sandbox's container was removed outside Berth");
                case EXITED, CREATED -> exited(exitCode, oomKilled);
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
