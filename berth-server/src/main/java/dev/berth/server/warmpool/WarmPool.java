package dev.berth.server.warmpool;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A warm pool: started sandboxes of one snapshot, region, size and user kept ready for creates that match them.
 * {@code scope} is the owning organization, or {@link #SYSTEM} for a pool that serves every organization.
 */
@Entity
@Table(name = "warm_pool")
public class WarmPool {

    public static final String SYSTEM = "*";

    @Id
    private String id;

    @Column(nullable = false)
    private String scope;

    @Column(name = "snapshot_id", nullable = false)
    private String snapshotId;

    @Column(name = "snapshot_name", nullable = false)
    private String snapshotName;

    @Column(nullable = false)
    private String target;

    @Column(nullable = false)
    private int pool;

    @Column(name = "min_pool", nullable = false)
    private int minPool;

    private int cpu;

    @Column(name = "memory_gib")
    private int memoryGib;

    @Column(name = "disk_gib")
    private int diskGib;

    @Column(name = "os_user", nullable = false)
    private String osUser;

    @Column(name = "env_json", nullable = false)
    private String envJson;

    @Column(name = "error_reason")
    private String errorReason;

    private int failures;

    @Column(name = "retry_at")
    private Instant retryAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Version
    private Long version;

    protected WarmPool() {
    }

    WarmPool(String id, String scope, String snapshotId, String snapshotName, String target, int min, int max, int cpu,
            int memoryGib, int diskGib, String osUser, Instant now) {
        this.id = id;
        this.scope = scope;
        this.snapshotId = snapshotId;
        this.snapshotName = snapshotName;
        this.target = target;
        this.minPool = min;
        this.pool = max;
        this.cpu = cpu;
        this.memoryGib = memoryGib;
        this.diskGib = diskGib;
        this.osUser = osUser;
        this.envJson = "{}";
        this.createdAt = now;
        this.updatedAt = now;
    }

    void resize(int min, int max, Instant now) {
        this.minPool = min;
        this.pool = max;
        this.failures = 0; // a new size is a new attempt
        this.retryAt = null;
        this.errorReason = null;
        this.updatedAt = now;
    }

    /** Records the outcome of a decision; the row is only written when something changed. */
    boolean record(int failures, Instant retryAt, String errorReason, Instant now) {
        if (this.failures == failures && java.util.Objects.equals(this.retryAt, retryAt)
                && java.util.Objects.equals(this.errorReason, errorReason)) {
            return false;
        }
        this.failures = failures;
        this.retryAt = retryAt;
        this.errorReason = errorReason;
        this.updatedAt = now;
        return true;
    }

    public boolean isSystem() {
        return SYSTEM.equals(scope);
    }

    public String getId() {
        return id;
    }

    public String getScope() {
        return scope;
    }

    public String getSnapshotId() {
        return snapshotId;
    }

    public String getSnapshotName() {
        return snapshotName;
    }

    public String getTarget() {
        return target;
    }

    public int getPool() {
        return pool;
    }

    public int getMinPool() {
        return minPool;
    }

    public int getCpu() {
        return cpu;
    }

    public int getMemoryGib() {
        return memoryGib;
    }

    public int getDiskGib() {
        return diskGib;
    }

    public String getOsUser() {
        return osUser;
    }

    public String getEnvJson() {
        return envJson;
    }

    public String getErrorReason() {
        return errorReason;
    }

    public int getFailures() {
        return failures;
    }

    public Instant getRetryAt() {
        return retryAt;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
