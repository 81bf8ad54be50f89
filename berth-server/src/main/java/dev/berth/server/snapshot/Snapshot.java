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
