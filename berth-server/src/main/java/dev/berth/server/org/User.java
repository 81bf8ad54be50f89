package dev.berth.server.org;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A person (from the OIDC issuer) or the bootstrap admin. */
@Entity
@Table(name = "app_user")
public class User {

    @Id
    private String id;

    private String issuer;
    private String subject;
    private String email;
    private String name;

    @Column(name = "system_admin", nullable = false)
    private boolean systemAdmin;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected User() {
    }

    public User(String id, String issuer, String subject, String email, String name, boolean systemAdmin, Instant createdAt) {
        this.id = id;
        this.issuer = issuer;
        this.subject = subject;
        this.email = email;
        this.name = name;
        this.systemAdmin = systemAdmin;
        this.createdAt = createdAt;
    }

    public String getId() {
        return id;
    }

    public String getIssuer() {
        return issuer;
    }

    public String getSubject() {
        return subject;
    }

    public String getEmail() {
        return email;
    }

    public String getName() {
        return name;
    }

    public boolean isSystemAdmin() {
        return systemAdmin;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public void updateProfile(String email, String name) {
        this.email = email;
        this.name = name;
    }
}
