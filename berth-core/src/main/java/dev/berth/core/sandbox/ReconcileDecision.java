package dev.berth.core.sandbox;

/**
 * What the reconciler should do about one sandbox.
 *
 * @param moveTo  the state to record, or null to leave the state alone
 * @param reason  recorded as the sandbox's errorReason (null clears it); with no move, replaces the
 *                reason of a sandbox already in error
 * @param command what to ask the runner to do first
 */
public record ReconcileDecision(SandboxState moveTo, String reason, RunnerCommand command) {

    public static final ReconcileDecision NOTHING = new ReconcileDecision(null, null, RunnerCommand.NONE);

    /** Runner work a decision can require. */
    public enum RunnerCommand {
        NONE,
        STOP_CONTAINER,
        REMOVE_CONTAINER
    }

    public static ReconcileDecision move(SandboxState to, String reason) {
        return new ReconcileDecision(to, reason, RunnerCommand.NONE);
    }

    /** Keep the state (error), replace its reason. */
    public static ReconcileDecision explain(String reason) {
        return new ReconcileDecision(null, reason, RunnerCommand.NONE);
    }

    public boolean isNothing() {
        return moveTo == null && reason == null && command == RunnerCommand.NONE;
    }
}
