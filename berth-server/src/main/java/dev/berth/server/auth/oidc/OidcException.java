package dev.berth.server.auth.oidc;

/**
 * A bearer JWT could not be accepted. The caller maps {@link InvalidTokenException} to 401 and
 * {@link IssuerUnavailableException} to 503; messages are safe to show to the client (they never contain the token).
 */
public abstract sealed class OidcException extends RuntimeException
        permits InvalidTokenException, IssuerUnavailableException {

    protected OidcException(String message, Throwable cause) {
        super(message, cause);
    }
}
