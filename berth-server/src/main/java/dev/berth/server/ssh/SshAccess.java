package dev.berth.server.ssh;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One SSH access token of a sandbox, kept only as the SHA-256 of the token (the token is shown once, at create). */
@Entity
@Table(name = "ssh_access")
public class SshAccess {

    @Id
    private String id;

    @Column(name = "organization_id", nullable = false)
    private String organizationId;

    @Column(name = "sandbox_id", nullable = false)
    private String sandboxId;

    @Column(name = "token_hash", nullable = false)
    private String tokenHash;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected SshAccess() {
    }

    SshAccess(String id, String organizationId, String sandboxId, String tokenHash, Instant createdAt,
            Instant expiresAt) {
        this.id = id;
        this.organizationId = organizationId;
        this.sandboxId = sandboxId;
        this.tokenHash = tokenHash;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public String getId() {
        return id;
    }

    public String getOrganizationId() {
        return organizationId;
    }

    public String getSandboxId() {
        return sandboxId;
    }

    public String getTokenHash() {
        return tokenHash;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
