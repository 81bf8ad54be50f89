package dev.berth.core.error;

/** A quota or rate limit would be exceeded. */
public final class QuotaExceededException extends BerthException {

    public QuotaExceededException(String message) {
        super(ErrorCode.QUOTA_EXCEEDED, message);
    }

    public QuotaExceededException(String message, Throwable cause) {
        super(ErrorCode.QUOTA_EXCEEDED, message, cause);
    }
}
