package dev.berth.core.error;

/** The container engine failed; the message says what it reported. */
public final class EngineException extends BerthException {

    public EngineException(String message) {
        super(ErrorCode.ENGINE_FAILURE, message);
    }

    public EngineException(String message, Throwable cause) {
        super(ErrorCode.ENGINE_FAILURE, message, cause);
    }
}
