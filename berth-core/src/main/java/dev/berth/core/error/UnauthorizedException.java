package dev.berth.core.error;

/** Missing or invalid credentials. */
public final class UnauthorizedException extends BerthException {

    public UnauthorizedException(String message) {
        super(ErrorCode.UNAUTHORIZED, message);
    }

    public UnauthorizedException(String message, Throwable cause) {
        super(ErrorCode.UNAUTHORIZED, message, cause);
    }
}
