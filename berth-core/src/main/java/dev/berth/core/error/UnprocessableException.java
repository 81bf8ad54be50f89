package dev.berth.core.error;

/** Well-formed, but asks for something this installation cannot do. */
public final class UnprocessableException extends BerthException {

    public UnprocessableException(String message) {
        super(ErrorCode.UNPROCESSABLE, message);
    }

    public UnprocessableException(String message, Throwable cause) {
        super(ErrorCode.UNPROCESSABLE, message, cause);
    }
}
