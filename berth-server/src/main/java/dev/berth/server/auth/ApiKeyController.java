package dev.berth.server.auth;

import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys of the caller's organization: the value is returned once; a key's permissions can
 * never exceed its creator's. Deleting a key takes effect on the next request (no cache).
 */
@RestController
@RequestMapping("/api/api-keys")
@Access(Access.Level.MEMBER)
public class ApiKeyController {

    private final ApiKeyRepository keys;
    private final Memberships memberships;
    private final Clock clock;

    public ApiKeyController(ApiKeyRepository keys, Memberships memberships, Clock clock) {
        this.keys = keys;
        this.memberships = memberships;
        this.clock = clock;
    }

    public record CreateBody(String name, List<String> permissions, Instant expiresAt) {
    }

    public record KeyDto(String id, String name, String value, String maskedValue, Set<String> permissions,
            String createdAt, String lastUsedAt, String expiresAt, String userId) {
        static KeyDto of(ApiKey k, String value) {
            return new KeyDto(k.getId(), k.getName(), value, k.getKeyPrefix() + "..." + k.getKeySuffix(),
                    Permissions.wire(k.getPermissions()), k.getCreatedAt().toString(),
                    k.getLastUsedAt() == null ? null : k.getLastUsedAt().toString(),
                    k.getExpiresAt() == null ? null : k.getExpiresAt().toString(), k.getUserId());
        }
    }

    /**
     * A key for the caller's organization only, with permissions within the caller's own effective ones
     * (a key's, cut to its user's membership). Another organization is chosen only by a user's token with
     * X-Daytona-Organization-ID; a key naming another organization never gets here (AuthenticationFilter).
     */
    @PostMapping
    @Transactional
    public KeyDto create(Caller caller, @RequestBody CreateBody body) {
        String orgId = caller.organizationId();
        Set<Permission> creatorPerms = caller.permissions();
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            throw new InvalidRequestException("name must be 1..100 characters");
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(clock.instant())) {
            throw new InvalidRequestException("expiresAt must be in the future");
        }
        // a key cannot outlive itself through a key it mints (a leaked short-lived key would otherwise buy a
        // permanent one): the new key expires no later than the calling key
        Instant callerExpiry = caller.apiKeyId() == null ? null
                : keys.findById(caller.apiKeyId()).map(ApiKey::getExpiresAt).orElse(null);
        if (callerExpiry != null && (body.expiresAt() == null || body.expiresAt().isAfter(callerExpiry))) {
            throw new ForbiddenException("this API key expires at " + callerExpiry + "; a key it creates must set "
                    + "expiresAt no later than that");
        }
        Set<Permission> wanted = EnumSet.noneOf(Permission.class);
        wanted.addAll(body.permissions() == null ? creatorPerms : Permissions.fromRequest(body.permissions()));
        Set<Permission> beyond = EnumSet.noneOf(Permission.class);
        beyond.addAll(wanted);
        beyond.removeAll(creatorPerms);
        if (!beyond.isEmpty()) {
            throw new ForbiddenException("a key cannot have permissions its creator lacks: " + Permissions.wire(beyond));
        }
        String value = ApiKeys.generate();
        ApiKey k = keys.save(new ApiKey(UUID.randomUUID().toString(), orgId, caller.userId(),
                body.name().trim(), ApiKeys.sha256(value), ApiKeys.visiblePrefix(value), ApiKeys.visibleSuffix(value),
                false, wanted, clock.instant(), body.expiresAt()));
        return KeyDto.of(k, value);
    }

    @GetMapping
    public List<KeyDto> list(Caller caller) {
        return keys.findByOrganizationId(caller.organizationId()).stream().map(k -> KeyDto.of(k, null)).toList();
    }

    @DeleteMapping("/{idOrName}")
    @Transactional
    public ResponseEntity<Void> delete(Caller caller, @PathVariable String idOrName) {
        ApiKey k = keys.findByOrganizationId(caller.organizationId()).stream()
                .filter(x -> x.getId().equals(idOrName) || x.getName().equals(idOrName)).findFirst()
                .orElseThrow(() -> new NotFoundException("API key '" + idOrName + "' not found"));
        if (k.isSystemAdmin() && !caller.systemAdmin()) {
            throw new ForbiddenException("only a system administrator may delete the bootstrap admin key");
        }
        mayDelete(caller, k);
        keys.delete(k);
        return ResponseEntity.noContent().build();
    }

    /**
     * A caller may delete a key only if the key's permissions are within its own (so a restricted key cannot
     * revoke a stronger one), and only a key of its own user unless its user is an owner of the organization
     * Deleting itself is allowed (revoking a leaked key must always work).
     */
    private void mayDelete(Caller caller, ApiKey k) {
        if (caller.systemAdmin()) {
            return;
        }
        Set<Permission> beyond = EnumSet.noneOf(Permission.class);
        beyond.addAll(k.getPermissions());
        beyond.removeAll(caller.permissions());
        if (!beyond.isEmpty()) {
            throw new ForbiddenException("this key cannot delete a key with permissions it lacks: "
                    + Permissions.wire(beyond));
        }
        boolean ownKey = caller.userId() != null && caller.userId().equals(k.getUserId());
        boolean owner = caller.userId() != null && memberships.isOwner(caller.organizationId(), caller.userId());
        if (!ownKey && !owner) {
            throw new ForbiddenException("only an owner of the organization may delete another user's API key");
        }
    }
}
