package dev.berth.server.auth;

import dev.berth.core.error.UnavailableException;
import dev.berth.server.auth.oidc.InvalidTokenException;
import dev.berth.server.auth.oidc.IssuerUnavailableException;
import dev.berth.server.auth.oidc.OidcTokenVerifier;
import dev.berth.server.auth.oidc.VerifiedIdentity;
import dev.berth.server.org.Member;
import dev.berth.server.org.MemberRepository;
import dev.berth.server.org.User;
import dev.berth.server.org.UserRepository;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
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
    private final UserRepository users;
    private final MemberRepository members;
    private final Clock clock;

    public JwtAuthentication(OidcTokenVerifier verifier, UserRepository users, MemberRepository members, Clock clock) {
        this.verifier = verifier;
        this.users = users;
        this.members = members;
        this.clock = clock;
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
        User user = userFor(id.get());
        if (organizationHeader == null || organizationHeader.isBlank()) {
            return Optional.of(new Caller(user.getId(), null, null, null, null, user.isSystemAdmin(), java.util.Set.of()));
        }
        Optional<Member> m = members.findByOrganizationIdAndUserId(organizationHeader, user.getId());
        if (m.isEmpty()) {
            return Optional.empty(); // not a member: the organization does not exist for this user
        }
        return Optional.of(new Caller(user.getId(), organizationHeader, null, null, null, user.isSystemAdmin(),
                m.get().effectivePermissions()));
    }

    private User userFor(VerifiedIdentity id) {
        return users.findByIssuerAndSubject(id.issuer(), id.subject()).map(u -> {
            if (!java.util.Objects.equals(u.getEmail(), id.email()) || !java.util.Objects.equals(u.getName(), id.name())) {
                u.updateProfile(id.email(), id.name());
                return users.save(u);
            }
            return u;
        }).orElseGet(() -> {
            try {
                return users.save(new User(UUID.randomUUID().toString(), id.issuer(), id.subject(), id.email(), id.name(),
                        false, clock.instant()));
            } catch (DataIntegrityViolationException raced) {
                return users.findByIssuerAndSubject(id.issuer(), id.subject()).orElseThrow(() -> raced);
            }
        });
    }
}
