package dev.berth.server.auth;

import dev.berth.core.error.UnavailableException;
import dev.berth.server.auth.OidcUsers.OidcUser;
import dev.berth.server.auth.oidc.InvalidTokenException;
import dev.berth.server.auth.oidc.IssuerUnavailableException;
import dev.berth.server.auth.oidc.OidcTokenVerifier;
import dev.berth.server.auth.oidc.VerifiedIdentity;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * JWT callers from the configured OIDC issuer. The user is found (or created on first sight) by
 * issuer and subject; the organization comes from {@code X-Daytona-Organization-ID}, as the
 * Daytona SDK sends it, and must be one the user is a member of. Without the header the caller
 * has no organization (enough for /api/users/me and creating an organization).
 */
@Component
public class JwtAuthentication {

    private static final Logger log = LoggerFactory.getLogger(JwtAuthentication.class);

    private final OidcTokenVerifier verifier;
    private final OidcUsers users;
    private final Memberships memberships;

    public JwtAuthentication(OidcTokenVerifier verifier, OidcUsers users, Memberships memberships) {
        this.verifier = verifier;
        this.users = users;
        this.memberships = memberships;
    }

    public Optional<Caller> authenticate(String token, String organizationHeader) {
        if (!verifier.enabled()) {
            return Optional.empty();
        }
        Optional<VerifiedIdentity> id;
        try {
            id = verifier.verify(token);
        } catch (InvalidTokenException e) {
            log.debug("rejected token: {}", e.getMessage());
            return Optional.empty();
        } catch (IssuerUnavailableException e) {
            throw new UnavailableException(e.getMessage());
        }
        if (id.isEmpty()) {
            return Optional.empty();
        }
        OidcUser user = users.userFor(id.get());
        if (organizationHeader == null || organizationHeader.isBlank()) {
            return Optional.of(new Caller(user.id(), null, null, null, null, user.systemAdmin(), Set.of()));
        }
        Optional<Set<Permission>> member = memberships.permissionsOf(organizationHeader, user.id());
        if (member.isEmpty()) {
            return Optional.empty(); // not a member: the organization does not exist for this user
        }
        return Optional.of(new Caller(user.id(), organizationHeader, null, null, null, user.systemAdmin(),
                member.get()));
    }
}
