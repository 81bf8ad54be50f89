package dev.berth.core.sandbox;

import java.time.Duration;
import java.util.List;

/**
 * What the reconciler should do about one sandbox: runner work to send, a state to record, and when to look
 * again. New behaviours (archive, resize, pause, pool replenishment) add commands and desired states here,
 * not loops.
 *
 * @param moveTo      the state to record, or null to leave the state alone
 * @param errorKind   why, when {@code moveTo} is error (or, with no move, the new kind of a sandbox in error)
 * @param reason      recorded as the sandbox's errorReason (null clears it); with no move, replaces the
 *                    reason of a sandbox already in error
 * @param commands    runner work to send first, in order
 * @param lookAgainIn when to observe the sandbox again (null: at the next regular observation)
 */
public record ReconcileDecision(SandboxState moveTo, ErrorKind errorKind, String reason, List<RunnerCommand> commands,
        Duration lookAgainIn) {

    public static final ReconcileDecision NOTHING = new ReconcileDecision(null, null, null, List.of(), null);

    public ReconcileDecision {
        commands = List.copyOf(commands);
    }

    public static ReconcileDecision move(SandboxState to) {
        return new ReconcileDecision(to, null, null, List.of(), null);
    }

    public static ReconcileDecision fail(ErrorKind kind, String reason) {
        return new ReconcileDecision(SandboxState.ERROR, kind, reason, List.of(), null);
    }

    /** Keep the state (error), replace its kind and reason. */
    public static ReconcileDecision explain(ErrorKind kind, String reason) {
        return new ReconcileDecision(null, kind, reason, List.of(), null);
    }

    /** Ask the runner for {@code command} and look again after {@code lookAgainIn} to record what it did. */
    public static ReconcileDecision send(RunnerCommand command, Duration lookAgainIn) {
        return new ReconcileDecision(null, null, null, List.of(command), lookAgainIn);
    }

    public static ReconcileDecision lookAgain(Duration in) {
        return new ReconcileDecision(null, null, null, List.of(), in);
    }

    /** No write and no runner work (possibly a later look). */
    public boolean changesNothing() {
        return moveTo == null && reason == null && errorKind == null && commands.isEmpty();
    }

    public boolean isNothing() {
        return changesNothing() && lookAgainIn == null;
    }
}
