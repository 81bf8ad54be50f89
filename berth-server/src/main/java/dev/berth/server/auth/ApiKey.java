package dev.berth.server.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;

/** An API key, stored only as its SHA-256 hash plus a visible prefix/suffix for humans. */
@Entity
@Table(name = "api_key")
public class ApiKey {

    @Id
    private String id;

    @Column(name = "organization_id", nullable = false)
    private String organizationId;

    @Column(nullable = false)
    private String name;

    @Column(name = "key_hash", nullable = false)
    private String keyHash;

    @Column(name = "key_prefix", nullable = false)
    private String keyPrefix;

    @Column(name = "key_suffix", nullable = false)
    private String keySuffix;

    @Column(name = "system_admin", nullable = false)
    private boolean systemAdmin;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "expires_at")
    private Instant expiresAt;

    @Column(name = "user_id")
    private String userId;

    @Column(nullable = false)
    private String permissions = "";

    protected ApiKey() {
    }

    public ApiKey(String id, String organizationId, String userId, String name, String keyHash, String keyPrefix,
            String keySuffix, boolean systemAdmin, Set<Permission> permissions, Instant createdAt,
            Instant expiresAt) {
        this.userId = userId;
        this.permissions = Permissions.format(permissions);
        this.id = id;
        this.organizationId = organizationId;
        this.name = name;
        this.keyHash = keyHash;
        this.keyPrefix = keyPrefix;
        this.keySuffix = keySuffix;
        this.systemAdmin = systemAdmin;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public String getId() {
        return id;
    }

    public String getOrganizationId() {
        return organizationId;
    }

    public String getName() {
        return name;
    }

    public String getKeyHash() {
        return keyHash;
    }

    public String getKeyPrefix() {
        return keyPrefix;
    }

    public String getKeySuffix() {
        return keySuffix;
    }

    public boolean isSystemAdmin() {
        return systemAdmin;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getLastUsedAt() {
        return lastUsedAt;
    }

    public String getUserId() {
        return userId;
    }

    public Set<Permission> getPermissions() {
        return Permissions.parse(permissions);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
