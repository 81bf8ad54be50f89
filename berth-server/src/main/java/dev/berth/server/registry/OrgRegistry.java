package dev.berth.server.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A registry an organization pulls its private images from; the password is kept sealed ({@link SecretBox}). */
@Entity
@Table(name = "docker_registry")
public class OrgRegistry {

    @Id
    private String id;

    @Column(name = "organization_id", nullable = false)
    private String organizationId;

    @Column(nullable = false)
    private String name;

    @Column(nullable = false)
    private String url;

    @Column(nullable = false)
    private String host;

    @Column(nullable = false)
    private String username;

    @Column(name = "password_enc", nullable = false)
    private String passwordEnc;

    private String project;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected OrgRegistry() {
    }

    OrgRegistry(String id, String organizationId, Instant now) {
        this.id = id;
        this.organizationId = organizationId;
        this.createdAt = now;
    }

    void set(String name, String url, String host, String username, String passwordEnc, String project, Instant now) {
        this.name = name;
        this.url = url;
        this.host = host;
        this.username = username;
        if (passwordEnc != null) {
            this.passwordEnc = passwordEnc;
        }
        this.project = project;
        this.updatedAt = now;
    }

    public String getId() { return id; }
    public String getOrganizationId() { return organizationId; }
    public String getName() { return name; }
    public String getUrl() { return url; }
    public String getHost() { return host; }
    public String getUsername() { return username; }
    String getPasswordEnc() { return passwordEnc; }
    public String getProject() { return project; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getUpdatedAt() { return updatedAt; }
}
