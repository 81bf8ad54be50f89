package dev.berth.server.auth;

import java.util.Optional;

/**
 * Port for the runner-protocol paths: which runner, if any, an {@code Authorization} header proves to be. Owned by
 * auth (the filter needs it); the runner feature, which keeps the runner tokens, implements it.
 */
public interface RunnerCredentials {

    /** The runner id the header's bearer token belongs to; empty for a missing, malformed or unknown token. */
    Optional<String> authenticate(String authorizationHeader);
}
