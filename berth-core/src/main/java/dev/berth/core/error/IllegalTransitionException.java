package dev.berth.core.error;

/** The resource's current state does not allow the requested action. */
public final class IllegalTransitionException extends BerthException {

    public IllegalTransitionException(String message) {
        super(ErrorCode.ILLEGAL_TRANSITION, message);
    }

    public IllegalTransitionException(String message, Throwable cause) {
        super(ErrorCode.ILLEGAL_TRANSITION, message, cause);
    }
}
