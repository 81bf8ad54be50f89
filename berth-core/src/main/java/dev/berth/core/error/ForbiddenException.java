package dev.berth.core.error;

/** Authenticated, but not allowed to do this. */
public final class ForbiddenException extends BerthException {

    public ForbiddenException(String message) {
        super(ErrorCode.FORBIDDEN, message);
    }

    public ForbiddenException(String message, Throwable cause) {
        super(ErrorCode.FORBIDDEN, message, cause);
    }
}
