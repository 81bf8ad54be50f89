package dev.berth.core.error;

/** Input that cannot be accepted as it is; nothing was changed. */
public final class InvalidRequestException extends BerthException {

    public InvalidRequestException(String message) {
        super(ErrorCode.INVALID_REQUEST, message);
    }

    public InvalidRequestException(String message, Throwable cause) {
        super(ErrorCode.INVALID_REQUEST, message, cause);
    }
}
