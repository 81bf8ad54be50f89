package dev.berth.core.error;

/** The one error family of Berth; the API layer maps {@link #code()} to a problem response. */
public abstract sealed class BerthException extends RuntimeException
        permits InvalidRequestException, NotFoundException, ConflictException, IllegalTransitionException,
        UnauthorizedException, ForbiddenException, UnavailableException, EngineException, QuotaExceededException,
        UnprocessableException {

    private final ErrorCode code;

    protected BerthException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    protected BerthException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
