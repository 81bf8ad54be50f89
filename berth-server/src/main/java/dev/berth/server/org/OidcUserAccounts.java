package dev.berth.server.org;

import dev.berth.server.auth.OidcUsers;
import dev.berth.server.auth.oidc.VerifiedIdentity;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * auth's {@link OidcUsers} port: the user row for an OIDC identity, created on first sight; two first requests racing
 * meet on the (issuer, subject) unique key and the loser reads the winner's row.
 */
@Component
class OidcUserAccounts implements OidcUsers {

    private final UserRepository users;
    private final Clock clock;

    OidcUserAccounts(UserRepository users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public OidcUser userFor(VerifiedIdentity id) {
        User user = users.findByIssuerAndSubject(id.issuer(), id.subject()).map(u -> {
            if (!Objects.equals(u.getEmail(), id.email()) || !Objects.equals(u.getName(), id.name())) {
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
        return new OidcUser(user.getId(), user.isSystemAdmin());
    }
}
