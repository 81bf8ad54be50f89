package dev.berth.server.org;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A tenant: owns sandboxes, snapshots, keys; carries its quota and suspension. */
@Entity
@Table(name = "organization")
public class Organization {

    @Id
    private String id;

    @Column(nullable = false)
    private String name;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "created_by")
    private String createdBy;

    @Column(nullable = false)
    private boolean suspended;

    @Column(name = "suspension_reason")
    private String suspensionReason;

    @Column(name = "suspended_until")
    private Instant suspendedUntil;

    @Embedded
    private OrganizationQuota quota = new OrganizationQuota();

    @Column(name = "default_network_block_all", nullable = false)
    private boolean defaultNetworkBlockAll;

    @Column(name = "default_network_allow_list")
    private String defaultNetworkAllowList;

    @Column(name = "default_domain_allow_list")
    private String defaultDomainAllowList;

    /** The egress policy its new sandboxes start from. */
    public dev.berth.core.network.NetworkPolicy networkDefaults() {
        return dev.berth.core.network.NetworkPolicy.of(defaultNetworkBlockAll, defaultNetworkAllowList,
                defaultDomainAllowList);
    }

    public void changeNetworkDefaults(dev.berth.core.network.NetworkPolicy p) {
        this.defaultNetworkBlockAll = p.blockAll();
        this.defaultNetworkAllowList = p.allowListString();
        this.defaultDomainAllowList = p.domainListString();
    }

    protected Organization() {
    }

    public Organization(String id, String name, Instant createdAt) {
        this(id, name, createdAt, null);
    }

    public Organization(String id, String name, Instant createdAt, String createdBy) {
        this.id = id;
        this.name = name;
        this.createdAt = createdAt;
        this.createdBy = createdBy;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void rename(String name) {
        this.name = name;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public String getCreatedBy() {
        return createdBy;
    }

    public OrganizationQuota getQuota() {
        return quota;
    }

    /** Suspended now: flagged, and the suspension has no end or has not ended yet. */
    public boolean isSuspendedAt(Instant now) {
        return suspended && (suspendedUntil == null || now.isBefore(suspendedUntil));
    }

    public String getSuspensionReason() {
        return suspensionReason;
    }

    public Instant getSuspendedUntil() {
        return suspendedUntil;
    }

    public boolean isSuspended() {
        return suspended;
    }

    public void suspend(String reason, Instant until) {
        this.suspended = true;
        this.suspensionReason = reason;
        this.suspendedUntil = until;
    }

    public void unsuspend() {
        this.suspended = false;
        this.suspensionReason = null;
        this.suspendedUntil = null;
    }
}
