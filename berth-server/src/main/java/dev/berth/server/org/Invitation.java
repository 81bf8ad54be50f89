package dev.berth.server.org;

import dev.berth.server.auth.Permission;
import dev.berth.server.auth.Permissions;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Set;

/** An invitation by email to join an organization with a role and permissions; it expires. */
@Entity
@Table(name = "organization_invitation")
public class Invitation {

    /** Lifecycle of an invitation. */
    public enum Status { PENDING, ACCEPTED, DECLINED, CANCELLED }

    @Id
    private String id;

    @Column(name = "organization_id", nullable = false)
    private String organizationId;

    @Column(nullable = false)
    private String email;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(nullable = false)
    private String permissions;

    @Column(name = "invited_by", nullable = false)
    private String invitedBy;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Invitation() {
    }

    public Invitation(String id, String organizationId, String email, Role role, Set<Permission> permissions,
            String invitedBy, Instant expiresAt, Instant createdAt) {
        this.id = id;
        this.organizationId = organizationId;
        this.email = email.toLowerCase();
        this.role = role;
        this.permissions = Permissions.format(permissions);
        this.invitedBy = invitedBy;
        this.status = Status.PENDING;
        this.expiresAt = expiresAt;
        this.createdAt = createdAt;
    }

    public boolean isOpen(Instant now) {
        return status == Status.PENDING && now.isBefore(expiresAt);
    }

    public void close(Status to) {
        this.status = to;
    }

    public String getId() {
        return id;
    }

    public String getOrganizationId() {
        return organizationId;
    }

    public String getEmail() {
        return email;
    }

    public Role getRole() {
        return role;
    }

    public Set<Permission> getPermissions() {
        return Permissions.parse(permissions);
    }

    public String getInvitedBy() {
        return invitedBy;
    }

    public Status getStatus() {
        return status;
    }

    public Instant getExpiresAt() {
        return expiresAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
