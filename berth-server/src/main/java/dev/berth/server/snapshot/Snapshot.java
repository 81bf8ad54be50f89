package dev.berth.server.snapshot;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A sandbox image. {@code scope} is the owning organization id, or {@link #GENERAL} for Berth's own images. */
@Entity
@Table(name = "snapshot")
public class Snapshot {

    public static final String GENERAL = "*";

    @Id
    private String id;

    @Column(nullable = false)
    private String scope;

    @Column(nullable = false)
    private String name;

    @Column(name = "image_name", nullable = false)
    private String imageName;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SnapshotState state;

    @Column(name = "size_bytes")
    private Long sizeBytes;

    private int cpu;
    private int mem;
    private int disk;

    @Column(name = "error_reason")
    private String errorReason;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "last_used_at")
    private Instant lastUsedAt;

    @Column(name = "source_image")
    private String sourceImage;

    @Column(name = "entrypoint_json")
    private String entrypointJson;

    private String dockerfile;

    @Column(name = "context_hashes")
    private String contextHashes;

    @Column(name = "build_hash")
    private String buildHash;

    @Column(name = "region_id")
    private String regionId;

    @Column(name = "source_sandbox_id")
    private String sourceSandboxId;

    @Column(name = "parent_id")
    private String parentId;

    @Column(name = "claimed_by")
    private String claimedBy;

    @Column(name = "claimed_until")
    private Instant claimedUntil;

    @Version
    private long version;

    protected Snapshot() {
    }

    public Snapshot(String id, String scope, String name, String imageName, SnapshotState state, Instant now) {
        this.id = id;
        this.scope = scope;
        this.name = name;
        this.imageName = imageName;
        this.state = state;
        this.cpu = 1;
        this.mem = 1;
        this.disk = 3;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** The engine-local image name of a snapshot Berth stores for a user (its registry name adds the registry host). */
    public static String localRefOf(String snapshotId) {
        return "berth-snapshot/" + snapshotId + ":latest";
    }

    /** A user's snapshot: from an image, a Dockerfile or a sandbox, waiting for a replica to make it. */
    public static Snapshot pending(String id, String organizationId, String name, int cpu, int mem, int disk,
            String regionId, Instant now) {
        Snapshot s = new Snapshot(id, organizationId, name, localRefOf(id), SnapshotState.PENDING, now);
        s.cpu = cpu;
        s.mem = mem;
        s.disk = disk;
        s.regionId = regionId;
        return s;
    }

    public void fromImage(String sourceImage, String entrypointJson) {
        this.sourceImage = sourceImage;
        this.entrypointJson = entrypointJson;
    }

    public void fromDockerfile(String dockerfile, String contextHashes, String buildHash, String entrypointJson) {
        this.dockerfile = dockerfile;
        this.contextHashes = contextHashes;
        this.buildHash = buildHash;
        this.entrypointJson = entrypointJson;
    }

    public void fromSandbox(String sandboxId, String parentId) {
        this.sourceSandboxId = sandboxId;
        this.parentId = parentId;
    }

    public void moveTo(SnapshotState state, String reason, Instant now) {
        this.state = state;
        this.errorReason = reason;
        this.updatedAt = now;
    }

    public void setSize(long size) {
        this.sizeBytes = size;
    }

    public void setEntrypointJson(String entrypointJson) {
        this.entrypointJson = entrypointJson;
    }

    public void used(Instant now) {
        this.lastUsedAt = now;
    }

    public void release() {
        this.claimedBy = null;
        this.claimedUntil = null;
    }

    public boolean isGeneral() {
        return GENERAL.equals(scope);
    }

    public String getSourceImage() {
        return sourceImage;
    }

    public String getEntrypointJson() {
        return entrypointJson;
    }

    public String getDockerfile() {
        return dockerfile;
    }

    public String getContextHashes() {
        return contextHashes;
    }

    public String getBuildHash() {
        return buildHash;
    }

    public String getRegionId() {
        return regionId;
    }

    public String getSourceSandboxId() {
        return sourceSandboxId;
    }

    public String getParentId() {
        return parentId;
    }

    public String getClaimedBy() {
        return claimedBy;
    }

    public void markActive(long size, Instant now) {
        this.state = SnapshotState.ACTIVE;
        this.sizeBytes = size;
        this.errorReason = null;
        this.updatedAt = now;
    }

    public void markBuilding(Instant now) {
        this.state = SnapshotState.BUILDING;
        this.updatedAt = now;
    }

    public void markFailed(String reason, Instant now) {
        this.state = SnapshotState.BUILD_FAILED;
        this.errorReason = reason;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public String getScope() {
        return scope;
    }

    public String getName() {
        return name;
    }

    public String getImageName() {
        return imageName;
    }

    public SnapshotState getState() {
        return state;
    }

    public Long getSizeBytes() {
        return sizeBytes;
    }

    public int getCpu() {
        return cpu;
    }

    public int getMem() {
        return mem;
    }

    public int getDisk() {
        return disk;
    }

    public String getErrorReason() {
        return errorReason;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public Instant getLastUsedAt() {
        return lastUsedAt;
    }
}
