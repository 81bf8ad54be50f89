package dev.berth.server.org;

import dev.berth.server.auth.Permission;
import dev.berth.server.auth.Permissions;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Set;

/** A user's membership in an organization, with role and permissions. */
@Entity
@Table(name = "organization_member")
@IdClass(Member.Key.class)
public class Member {

    /** Composite key. */
    public record Key(String organizationId, String userId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "organization_id")
    private String organizationId;

    @Id
    @Column(name = "user_id")
    private String userId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Role role;

    @Column(nullable = false)
    private String permissions;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Member() {
    }

    public Member(String organizationId, String userId, Role role, Set<Permission> permissions, Instant createdAt) {
        this.organizationId = organizationId;
        this.userId = userId;
        this.role = role;
        this.permissions = Permissions.format(permissions);
        this.createdAt = createdAt;
    }

    public String getOrganizationId() {
        return organizationId;
    }

    public String getUserId() {
        return userId;
    }

    public Role getRole() {
        return role;
    }

    /** Owners hold every permission, whatever is stored. */
    public Set<Permission> effectivePermissions() {
        return role == Role.OWNER ? Permission.all() : Permissions.parse(permissions);
    }

    public void change(Role role, Set<Permission> permissions) {
        this.role = role;
        this.permissions = Permissions.format(permissions);
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
