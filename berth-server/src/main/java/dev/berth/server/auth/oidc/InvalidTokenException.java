package dev.berth.server.auth.oidc;

/** The token is a JWT, but not one Berth accepts: the client must get a new or different token. */
public final class InvalidTokenException extends OidcException {

    /** Why the token was rejected. */
    public enum Reason {
        MALFORMED, ALGORITHM, UNKNOWN_KEY, SIGNATURE, ISSUER, AUDIENCE, EXPIRED, NOT_YET_VALID, MISSING_CLAIM
    }

    private final Reason reason;

    public InvalidTokenException(Reason reason, String message) {
        this(reason, message, null);
    }

    public InvalidTokenException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
