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
    private final dev.berth.server.org.MemberRepository members;
    private final Clock clock;

    public ApiKeyController(ApiKeyRepository keys, dev.berth.server.org.MemberRepository members, Clock clock) {
        this.keys = keys;
        this.members = members;
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

    @PostMapping
    @Transactional
    public KeyDto create(Caller caller, @RequestBody CreateBody body,
            @org.springframework.web.bind.annotation.RequestHeader(name = "X-Daytona-Organization-ID", required = false)
            String orgHeader) {
        String orgId = caller.organizationId();
        Set<Permission> creatorPerms = caller.permissions();
        if (orgHeader != null && !orgHeader.isBlank() && !orgHeader.equals(caller.organizationId())) {
            // a key for another organization the caller's user belongs to
            var m = caller.userId() == null ? java.util.Optional.<dev.berth.server.org.Member>empty()
                    : members.findByOrganizationIdAndUserId(orgHeader, caller.userId());
            if (m.isEmpty()) {
                throw new NotFoundException("organization '" + orgHeader + "' not found");
            }
            orgId = orgHeader;
            creatorPerms = m.get().effectivePermissions();
        }
        if (body == null || body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            throw new InvalidRequestException("name must be 1..100 characters");
        }
        if (body.expiresAt() != null && !body.expiresAt().isAfter(clock.instant())) {
            throw new InvalidRequestException("expiresAt must be in the future");
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
        keys.delete(k);
        return ResponseEntity.noContent().build();
    }
}
