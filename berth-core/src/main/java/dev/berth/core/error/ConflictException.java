package dev.berth.core.error;

/** The request conflicts with existing state (e.g. a duplicate name). */
public final class ConflictException extends BerthException {

    public ConflictException(String message) {
        super(ErrorCode.CONFLICT, message);
    }

    public ConflictException(String message, Throwable cause) {
        super(ErrorCode.CONFLICT, message, cause);
    }
}
