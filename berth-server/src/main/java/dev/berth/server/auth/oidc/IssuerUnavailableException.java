package dev.berth.server.auth.oidc;

/**
 * The issuer's signing keys (or its discovery document) could not be fetched, so no token can be checked now.
 * Not the client's fault; retrying later may work.
 */
public final class IssuerUnavailableException extends OidcException {

    public IssuerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
