package dev.berth.server.auth;

import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * JWT (OIDC) callers. Until an OIDC issuer is configured and wired, JWTs are not accepted.
 */
@Component
public class JwtAuthentication {

    public Optional<Caller> authenticate(String token, String organizationHeader) {
        return Optional.empty();
    }
}
