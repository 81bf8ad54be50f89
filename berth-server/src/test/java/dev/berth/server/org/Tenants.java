package dev.berth.server.org;

import dev.berth.server.auth.ApiKey;
import dev.berth.server.auth.ApiKeyRepository;
import dev.berth.server.auth.ApiKeys;
import dev.berth.server.auth.Permission;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Test fixture: a fresh organization with one user and an API key, written through the repositories. */
@Component
public class Tenants {

    private final OrganizationRepository orgs;
    private final UserRepository users;
    private final MemberRepository members;
    private final ApiKeyRepository keys;

    public Tenants(OrganizationRepository orgs, UserRepository users, MemberRepository members, ApiKeyRepository keys) {
        this.orgs = orgs;
        this.users = users;
        this.members = members;
        this.keys = keys;
    }

    public record Tenant(String orgId, String userId, String email, String key) {
    }

    @Transactional
    public Tenant create(Role role, Set<Permission> memberPerms, Set<Permission> keyPerms) {
        String org = UUID.randomUUID().toString();
        String user = UUID.randomUUID().toString();
        String email = "u" + user.substring(0, 8) + "@example.test";
        orgs.save(new Organization(org, "org-" + org.substring(0, 8), Instant.now(), user));
        users.save(new User(user, "test", user, email, "user " + user.substring(0, 8), false, Instant.now()));
        members.save(new Member(org, user, role, memberPerms, Instant.now()));
        String key = addKey(org, user, keyPerms, null);
        return new Tenant(org, user, email, key);
    }

    public Tenant owner() {
        return create(Role.OWNER, Permission.all(), Permission.all());
    }

    @Transactional
    public String addKey(String org, String user, Set<Permission> perms, Instant expiresAt) {
        String value = ApiKeys.generate();
        keys.save(new ApiKey(UUID.randomUUID().toString(), org, user, "k-" + value.substring(4, 10),
                ApiKeys.sha256(value), ApiKeys.visiblePrefix(value), ApiKeys.visibleSuffix(value), false, perms,
                Instant.now(), expiresAt));
        return value;
    }

    @Transactional
    public User user(String email) {
        String id = UUID.randomUUID().toString();
        return users.save(new User(id, "test", id, email, "invitee", false, Instant.now()));
    }

    @Transactional
    public void join(String org, String user, Role role) {
        members.save(new Member(org, user, role, Set.of(), Instant.now()));
    }
}
