package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.core.sandbox.SandboxTransitions;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A sandbox row: its state, what the user wants it to be, and its resources. State changes only
 * through {@link #transition}, which checks the transition table; writes are compare-and-set on
 * {@code version}, so a stale writer fails instead of overwriting.
 */
@Entity
@Table(name = "sandbox")
// only changed columns are written: an entity loaded before an activity flush does not put back an older stamp
@org.hibernate.annotations.DynamicUpdate
public class Sandbox {

    @Id
    private String id;

    @Column(name = "organization_id", nullable = false)
    private String organizationId;

    @Column(nullable = false)
    private String name;

    @Column(name = "live_name")
    private String liveName;

    @Column(name = "snapshot_name", nullable = false)
    private String snapshotName;

    @Column(name = "image_ref", nullable = false)
    private String imageRef;

    @Column(name = "runner_id")
    private String runnerId;

    /** The snapshot being built for this sandbox while it is in pending_build or building_snapshot. */
    @Column(name = "build_snapshot_id")
    private String buildSnapshotId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private SandboxState state;

    @Enumerated(EnumType.STRING)
    @Column(name = "desired_state", nullable = false)
    private DesiredState desiredState;

    @Column(name = "error_reason")
    private String errorReason;

    /** Why it is in error, as a type ({@link ErrorKind} by wire name); null outside error. */
    @Column(name = "error_kind")
    private String errorKind;

    @Column(name = "os_user", nullable = false)
    private String osUser;

    private int cpu;

    @Column(name = "memory_gib")
    private int memoryGib;

    @Column(name = "disk_gib")
    private int diskGib;

    @Column(name = "env_json", nullable = false)
    private String envJson;

    @Column(name = "labels_json", nullable = false)
    private String labelsJson;

    @Column(name = "toolbox_env_json")
    private String toolboxEnvJson;

    @Column(name = "public_access")
    private boolean publicAccess;

    @Column(name = "network_block_all")
    private boolean networkBlockAll;

    /** Comma-separated CIDRs, normalized; null when the sandbox has no allow list. */
    @Column(name = "network_allow_list")
    private String networkAllowList;

    @Column(name = "domain_allow_list")
    private String domainAllowList;

    @Column(nullable = false)
    private String target;

    @Column(name = "auto_stop_interval")
    private int autoStopInterval;

    @Column(name = "auto_archive_interval")
    private int autoArchiveInterval;

    @Column(name = "auto_delete_interval")
    private int autoDeleteInterval;

    @Column(name = "auto_pause_interval")
    private int autoPauseInterval;

    /** The ttl deadline: deleted once it passes (null: none). */
    @Column(name = "destroy_at")
    private Instant destroyAt;

    /** When the lifecycle intervals were last changed: they count from here at the earliest. */
    @Column(name = "policy_changed_at")
    private Instant policyChangedAt;

    /** Why the sandbox was last moved by a lifecycle policy (null after a user's own action). */
    @Column(name = "state_reason")
    private String stateReason;

    /** The registry image of its last backup (null: none), and when it was taken. */
    @Column(name = "backup_image")
    private String backupImage;

    @Column(name = "backup_at")
    private Instant backupAt;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "state_changed_at", nullable = false)
    private Instant stateChangedAt;

    @Column(name = "last_activity_at")
    private Instant lastActivityAt;

    /** The warm pool this sandbox was made for (kept after the claim). */
    @Column(name = "warm_pool_id")
    private String warmPoolId;

    /** True while it waits in its pool, unseen by every tenant; false from the claim on, never true again. */
    @Column(nullable = false)
    private boolean pooled;

    @Column(name = "claimed_at")
    private Instant claimedAt;

    /** The claiming create's env (JSON object), which the container started without; the toolbox applies it. */
    @Column(name = "spawn_env_json")
    private String spawnEnvJson;

    /**
     * The registry image of its latest archive ({@link dev.berth.core.sandbox.ArchiveImage}), null if never archived: what a restore creates
     * the container from, and, once restored, the image that container runs on (kept until the next archive or
     * the delete).
     */
    @Column(name = "archive_image")
    private String archiveImage;

    /** A wrapper, null until the first insert: that is how Spring Data tells a new row (persist, no lookup first). */
    @Version
    private Long version;

    protected Sandbox() {
    }

    Sandbox(String id, String organizationId, String name, String snapshotName, String imageRef, String osUser,
            int cpu, int memoryGib, int diskGib, String envJson, String labelsJson, boolean publicAccess,
            boolean networkBlockAll, String target, int autoStopInterval, int autoArchiveInterval,
            int autoDeleteInterval, Instant now) {
        this.id = id;
        this.organizationId = organizationId;
        this.name = name;
        this.liveName = name;
        this.snapshotName = snapshotName;
        this.imageRef = imageRef;
        this.osUser = osUser;
        this.cpu = cpu;
        this.memoryGib = memoryGib;
        this.diskGib = diskGib;
        this.envJson = envJson;
        this.labelsJson = labelsJson;
        this.publicAccess = publicAccess;
        this.networkBlockAll = networkBlockAll;
        this.target = target;
        this.autoStopInterval = autoStopInterval;
        this.autoArchiveInterval = autoArchiveInterval;
        this.autoDeleteInterval = autoDeleteInterval;
        this.state = SandboxState.CREATING;
        this.desiredState = DesiredState.STARTED;
        this.createdAt = now;
        this.updatedAt = now;
        this.stateChangedAt = now;
        this.lastActivityAt = now;
    }

    /** Replaces the reason of a sandbox already in {@code error} (there is no error-to-error transition). */
    public void explainError(ErrorKind kind, String reason, Instant now) {
        if (state != SandboxState.ERROR) {
            throw new IllegalStateException("sandbox " + id + " is '" + state.wireName() + "', not 'error'");
        }
        this.errorKind = kind == null ? null : kind.wireName();
        this.errorReason = reason;
        this.updatedAt = now;
    }

    /** Moves to {@code to} if the transition table allows it; returns false (and changes nothing) otherwise. */
    public boolean transition(SandboxState to, ErrorKind kind, String errorReason, Instant now) {
        if (!SandboxTransitions.isAllowed(state, to)) {
            return false;
        }
        this.state = to;
        this.errorKind = to == SandboxState.ERROR && kind != null ? kind.wireName() : null;
        this.errorReason = errorReason;
        this.stateChangedAt = now;
        this.updatedAt = now;
        if (to == SandboxState.DESTROYED) {
            this.liveName = null;
        }
        if (to == SandboxState.ARCHIVED) {
            this.runnerId = null; // its files are in the registry: it holds nothing on any runner
        }
        if (to != SandboxState.STARTED && to != SandboxState.STARTING && to != SandboxState.CREATING
                && to != SandboxState.PAUSING && to != SandboxState.PAUSED && to != SandboxState.RESUMING
                && to != SandboxState.RESIZING) { // a pause or resize keeps the processes
            this.toolboxEnvJson = null; // the toolbox's env changes end with the processes they were for
        }
        return true;
    }

    public void desire(DesiredState desired, Instant now) {
        this.desiredState = desired;
        this.updatedAt = now;
    }

    /** The toolbox's environment changes ({@code POST /env}), as the toolbox encodes them; null = none. */
    public void replaceToolboxEnv(String json, Instant now) {
        this.toolboxEnvJson = json;
        this.updatedAt = now;
    }

    public String getToolboxEnvJson() {
        return toolboxEnvJson;
    }

    /** Before the first insert: a member of warm pool {@code poolId}, unseen until a create claims it. */
    void poolFor(String poolId) {
        this.warmPoolId = poolId;
        this.pooled = true;
    }

    /**
     * A create claims this pool sandbox: it becomes the caller's, with the request's name, labels, env (applied
     * by the toolbox to every process it starts) and intervals, as if created now. Once.
     */
    void claim(String organizationId, String name, String envJson, String labelsJson, boolean publicAccess,
            LifecycleSettings lifecycle, java.time.Duration minute, Instant now) {
        if (!pooled) {
            throw new IllegalStateException("sandbox " + id + " was claimed already");
        }
        this.pooled = false;
        this.claimedAt = now;
        this.organizationId = organizationId;
        this.name = name;
        this.liveName = name;
        this.envJson = envJson;
        this.spawnEnvJson = envJson;
        this.labelsJson = labelsJson;
        this.publicAccess = publicAccess;
        applyLifecycle(lifecycle, minute, now);
        this.createdAt = now;
        this.updatedAt = now;
        this.lastActivityAt = now;
    }

    /** A create's lifecycle settings (the ttl counts from {@code now}; {@code minute}: what a minute lasts). */
    void applyLifecycle(LifecycleSettings l, java.time.Duration minute, Instant now) {
        this.autoStopInterval = l.autoStop();
        this.autoPauseInterval = l.autoPause();
        this.autoArchiveInterval = l.autoArchive();
        this.autoDeleteInterval = l.autoDelete();
        this.destroyAt = l.ttlMinutes() == null ? null : now.plus(minute.multipliedBy(l.ttlMinutes()));
    }

    public String getWarmPoolId() {
        return warmPoolId;
    }

    public boolean isPooled() {
        return pooled;
    }

    public Instant getClaimedAt() {
        return claimedAt;
    }

    public String getSpawnEnvJson() {
        return spawnEnvJson;
    }

    /** Before the first insert: the sandbox waits in pending_build for the snapshot being built for it. */
    void waitForBuild(String snapshotId) {
        this.buildSnapshotId = snapshotId;
        this.state = SandboxState.PENDING_BUILD;
    }

    public String getBuildSnapshotId() {
        return buildSnapshotId;
    }

    public void assignRunner(String runnerId) {
        this.runnerId = runnerId;
    }

    /** Records the image an archive pushes (or pushed) this sandbox's files to. */
    public void archiveAs(String imageRef, Instant now) {
        this.archiveImage = imageRef;
        this.updatedAt = now;
    }

    public String getArchiveImage() {
        return archiveImage;
    }

    public void replaceLabels(String labelsJson, Instant now) {
        this.labelsJson = labelsJson;
        this.updatedAt = now;
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

    public String getSnapshotName() {
        return snapshotName;
    }

    public String getImageRef() {
        return imageRef;
    }

    public String getRunnerId() {
        return runnerId;
    }

    public SandboxState getState() {
        return state;
    }

    public DesiredState getDesiredState() {
        return desiredState;
    }

    public String getErrorReason() {
        return errorReason;
    }

    public String getOsUser() {
        return osUser;
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

    public String getEnvJson() {
        return envJson;
    }

    public String getLabelsJson() {
        return labelsJson;
    }

    public boolean isPublicAccess() {
        return publicAccess;
    }

    public boolean isNetworkBlockAll() {
        return networkBlockAll;
    }

    public String getNetworkAllowList() {
        return networkAllowList;
    }

    public String getDomainAllowList() {
        return domainAllowList;
    }

    /** The egress policy the runner enforces for this sandbox. */
    public dev.berth.core.network.NetworkPolicy networkPolicy() {
        return dev.berth.core.network.NetworkPolicy.of(networkBlockAll, networkAllowList, domainAllowList);
    }

    /** Records a policy (validated by the caller, in force on the runner already or from the next start). */
    public void changeNetworkPolicy(dev.berth.core.network.NetworkPolicy p, java.time.Instant now) {
        this.networkBlockAll = p.blockAll();
        this.networkAllowList = p.allowListString();
        this.domainAllowList = p.domainListString();
        this.updatedAt = now;
    }

    /** Lifecycle settings (validated by the caller); each change counts from {@code now}, never retroactively. */
    public void changeLifecycle(Integer autoStop, Integer autoPause, Integer autoArchive, Integer autoDelete,
            Instant now) {
        boolean same = (autoStop == null || autoStop == autoStopInterval) && (autoPause == null || autoPause == autoPauseInterval)
                && (autoArchive == null || autoArchive == autoArchiveInterval)
                && (autoDelete == null || autoDelete == autoDeleteInterval);
        if (same) {
            return; // setting what is set changes nothing, not even when the intervals count from
        }
        if (autoStop != null) {
            this.autoStopInterval = autoStop;
        }
        if (autoPause != null) {
            this.autoPauseInterval = autoPause;
        }
        if (autoArchive != null) {
            this.autoArchiveInterval = autoArchive;
        }
        if (autoDelete != null) {
            this.autoDeleteInterval = autoDelete;
        }
        this.policyChangedAt = now;
        this.updatedAt = now;
    }

    /** The ttl deadline (null clears it). */
    public void destroyAt(Instant deadline, Instant now) {
        this.destroyAt = deadline;
        this.updatedAt = now;
    }

    /** Why the sandbox is moving (a policy's reason), or null for a user's own action. */
    public void explainState(String reason) {
        this.stateReason = reason;
    }

    /** New resources (validated and quota-checked by the caller). */
    void resize(dev.berth.core.sandbox.Resources r, Instant now) {
        this.cpu = r.cpu();
        this.memoryGib = r.memoryGiB();
        this.diskGib = r.diskGiB();
        this.updatedAt = now;
    }

    /** A verified backup, replacing the previous one. */
    public void recordBackup(String image, Instant at) {
        this.backupImage = image;
        this.backupAt = at;
    }

    public String getBackupImage() {
        return backupImage;
    }

    public Instant getBackupAt() {
        return backupAt;
    }

    public int getAutoPauseInterval() {
        return autoPauseInterval;
    }

    public Instant getDestroyAt() {
        return destroyAt;
    }

    public Instant getPolicyChangedAt() {
        return policyChangedAt;
    }

    public String getStateReason() {
        return stateReason;
    }

    public String getTarget() {
        return target;
    }

    public int getAutoStopInterval() {
        return autoStopInterval;
    }

    public int getAutoArchiveInterval() {
        return autoArchiveInterval;
    }

    public int getAutoDeleteInterval() {
        return autoDeleteInterval;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public ErrorKind getErrorKind() {
        return ErrorKind.fromWire(errorKind);
    }

    public long getVersion() {
        return version == null ? 0 : version;
    }

    public Instant getStateChangedAt() {
        return stateChangedAt;
    }

    public Instant getLastActivityAt() {
        return lastActivityAt;
    }

}
