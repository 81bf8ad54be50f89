package dev.berth.core.error;

/** The resource does not exist, or belongs to another organization. */
public final class NotFoundException extends BerthException {

    public NotFoundException(String message) {
        super(ErrorCode.NOT_FOUND, message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(ErrorCode.NOT_FOUND, message, cause);
    }
}
