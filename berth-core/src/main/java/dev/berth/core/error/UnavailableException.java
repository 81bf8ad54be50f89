package dev.berth.core.error;

/** Berth cannot serve this yet (e.g. an image still building); retrying later may work. */
public final class UnavailableException extends BerthException {

    public UnavailableException(String message) {
        super(ErrorCode.UNAVAILABLE, message);
    }

    public UnavailableException(String message, Throwable cause) {
        super(ErrorCode.UNAVAILABLE, message, cause);
    }
}
