package dev.berth.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Turns a bearer credential into a {@link Caller}: an API key (looked up by its SHA-256 on every
 * request, so deleted or expired keys stop working at once on every replica), then a JWT.
 * An API key's permissions are those it was created with, cut down to its creator's current
 * membership, so a key never exceeds its user.
 */
@Component
public class Authenticator {

    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final Memberships memberships;
    private final JwtAuthentication jwt;
    private final Clock clock;
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();

    public Authenticator(ApiKeyRepository keys, Memberships memberships, JwtAuthentication jwt, Clock clock) {
        this.keys = keys;
        this.memberships = memberships;
        this.jwt = jwt;
        this.clock = clock;
    }

    public Optional<Caller> authenticate(String token, String organizationHeader) {
        if (token == null || token.isEmpty() || token.length() > 8192) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<ApiKey> key = token.length() <= 512 ? keys.findByKeyHash(ApiKeys.sha256(token)) : Optional.empty();
        if (key.isPresent()) {
            return key.filter(k -> !k.isExpired(now)).flatMap(k -> fromKey(k, now));
        }
        return jwt.authenticate(token, organizationHeader);
    }

    private Optional<Caller> fromKey(ApiKey k, Instant now) {
        Set<Permission> perms;
        boolean admin = k.isSystemAdmin();
        if (admin) {
            perms = Permission.all();
        } else {
            if (k.getUserId() == null) {
                return Optional.empty();
            }
            Optional<Set<Permission>> member = memberships.permissionsOf(k.getOrganizationId(), k.getUserId());
            if (member.isEmpty()) {
                return Optional.empty(); // the key's user left the organization: the key is dead
            }
            perms = EnumSet.noneOf(Permission.class);
            perms.addAll(k.getPermissions());
            perms.retainAll(member.get());
        }
        touch(k.getId(), now);
        return Optional.of(new Caller(k.getUserId(), k.getOrganizationId(), k.getId(), k.getKeyPrefix(),
                k.getKeySuffix(), admin, perms));
    }

    private void touch(String keyId, Instant now) {
        Instant last = lastTouched.get(keyId);
        if (last == null || Duration.between(last, now).compareTo(TOUCH_EVERY) >= 0) {
            lastTouched.put(keyId, now);
            keys.touch(keyId, now);
        }
    }
}
