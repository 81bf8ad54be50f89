package dev.berth.server.runner;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/** A runner node: where it is, what it offers, how healthy it is, how to reach its tunnel. */
@Entity
@Table(name = "runner")
public class Runner {

    @Id
    private String id;
    @Column(nullable = false)
    private String region;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private RunnerState state;
    @Column(name = "runner_class", nullable = false)
    private String runnerClass;
    @Column(name = "token_hash")
    private String tokenHash;
    private String endpoint;
    @Column(name = "tunnel_secret")
    private String tunnelSecret;
    @Column(name = "protocol_version", nullable = false)
    private int protocolVersion;
    @Column(nullable = false)
    private boolean embedded;
    @Column(nullable = false)
    private boolean schedulable = true;
    @Column(name = "engine_version")
    private String engineVersion;
    @Column(name = "storage_driver")
    private String storageDriver;
    @Column(name = "disk_quota", nullable = false)
    private boolean diskQuota;
    @Column(name = "userns_remap", nullable = false)
    private boolean usernsRemap;
    @Column(name = "agent_available", nullable = false)
    private boolean agentAvailable;
    @Column(name = "cpu_capacity", nullable = false)
    private int cpuCapacity;
    @Column(name = "memory_capacity", nullable = false)
    private int memoryCapacity;
    @Column(name = "disk_capacity", nullable = false)
    private int diskCapacity;
    @Column(name = "max_sandboxes", nullable = false)
    private int maxSandboxes;
    @Column(name = "cpu_usage", nullable = false)
    private double cpuUsage;
    @Column(name = "memory_usage", nullable = false)
    private double memoryUsage;
    @Column(name = "disk_usage", nullable = false)
    private double diskUsage;
    @Column(name = "load_per_core", nullable = false)
    private double loadPerCore;
    @Column(name = "sandbox_count", nullable = false)
    private int sandboxCount;
    @Column(name = "engine_healthy", nullable = false)
    private boolean engineHealthy;
    @Column(name = "last_heartbeat_at")
    private Instant lastHeartbeatAt;
    @Column(name = "unresponsive_since")
    private Instant unresponsiveSince;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "session_id")
    private String sessionId;
    /** one {@code repository:tag} per line (see {@link RunnerImages}); null until the runner reports */
    private String images;
    /** the machine it runs on, shared by its other runners; null from a runner that does not say (v3 and older) */
    @Column(name = "host_id")
    private String hostId;
    @Column(name = "host_cpu")
    private Integer hostCpu;
    @Column(name = "host_memory")
    private Integer hostMemory;
    @Column(name = "host_disk")
    private Integer hostDisk;
    @Version
    private long version;

    protected Runner() {
    }

    public Runner(String id, String region, String runnerClass, String tokenHash, boolean embedded, Instant now) {
        this.id = id;
        this.region = region;
        this.runnerClass = runnerClass;
        this.tokenHash = tokenHash;
        this.embedded = embedded;
        this.state = RunnerState.PENDING;
        this.protocolVersion = 2;
        this.createdAt = now;
    }

    public void register(String endpoint, String secret, int protocolVersion, String runnerClass, int cpu, int memory,
            int disk, int maxSandboxes, String engineVersion, String storageDriver, boolean diskQuota, Instant now) {
        this.endpoint = endpoint;
        this.tunnelSecret = secret;
        this.protocolVersion = protocolVersion;
        this.runnerClass = runnerClass;
        this.cpuCapacity = cpu;
        this.memoryCapacity = memory;
        this.diskCapacity = disk;
        this.maxSandboxes = maxSandboxes;
        this.engineVersion = engineVersion;
        this.storageDriver = storageDriver;
        this.diskQuota = diskQuota;
        this.agentAvailable = true;
        this.usernsRemap = true;
        this.engineHealthy = true; // its capabilities were just read from the engine
        this.state = state == RunnerState.PENDING ? RunnerState.READY : RunnerState.RECONCILING;
        this.sessionId = UUID.randomUUID().toString();
        this.lastHeartbeatAt = now;
    }

    public void heartbeat(double cpu, double mem, double disk, double load, int count, boolean engineOk, Instant now) {
        this.cpuUsage = cpu;
        this.memoryUsage = mem;
        this.diskUsage = disk;
        this.loadPerCore = load;
        this.sandboxCount = count;
        this.engineHealthy = engineOk;
        this.lastHeartbeatAt = now;
    }

    /** The machine it registered from and what that machine offers to all its runners; null: not told. */
    public void recordHost(dev.berth.protocol.runner.Registration.Host host) {
        boolean usable = host != null && host.id() != null && !host.id().isBlank() && host.cpu() > 0
                && host.memoryGiB() > 0 && host.diskGiB() > 0;
        this.hostId = usable ? host.id() : null;
        this.hostCpu = usable ? host.cpu() : null;
        this.hostMemory = usable ? host.memoryGiB() : null;
        this.hostDisk = usable ? host.diskGiB() : null;
    }

    public String getHostId() { return hostId; }

    /** What its machine offers to all its runners' sandboxes together, or null when the machine is not known. */
    public dev.berth.core.placement.RunnerResources getHostCapacity() {
        return hostId == null ? null
                : new dev.berth.core.placement.RunnerResources(hostCpu, hostMemory, hostDisk, Integer.MAX_VALUE);
    }

    /** What its engine holds now; null (unknown) keeps the last report. */
    public void recordImages(Collection<String> refs) {
        if (refs != null) {
            this.images = RunnerImages.column(refs);
        }
    }

    public Set<String> getImages() {
        return RunnerImages.parse(images);
    }

    public void markUnresponsive(Instant now) {
        if (state != RunnerState.UNRESPONSIVE) {
            state = RunnerState.UNRESPONSIVE;
            unresponsiveSince = now;
        }
    }

    public void markReconciling() {
        state = RunnerState.RECONCILING;
    }

    public void markReady() {
        state = RunnerState.READY;
        unresponsiveSince = null;
    }

    public void drain() {
        schedulable = false;
    }

    public String getId() { return id; }
    /** Changes on every registration: polls of a previous process of this runner claim nothing. */
    public String getSessionId() { return sessionId; }
    public String getRegion() { return region; }
    public RunnerState getState() { return state; }
    public String getRunnerClass() { return runnerClass; }
    public String getEndpoint() { return endpoint; }
    public String getTunnelSecret() { return tunnelSecret; }
    public int getProtocolVersion() { return protocolVersion; }
    public boolean isEmbedded() { return embedded; }
    public boolean isSchedulable() { return schedulable; }
    public String getEngineVersion() { return engineVersion; }
    public String getStorageDriver() { return storageDriver; }
    public boolean isDiskQuota() { return diskQuota; }
    public int getCpuCapacity() { return cpuCapacity; }
    public int getMemoryCapacity() { return memoryCapacity; }
    public int getDiskCapacity() { return diskCapacity; }
    public int getMaxSandboxes() { return maxSandboxes; }
    public double getCpuUsage() { return cpuUsage; }
    public double getMemoryUsage() { return memoryUsage; }
    public double getDiskUsage() { return diskUsage; }
    public double getLoadPerCore() { return loadPerCore; }
    public int getSandboxCount() { return sandboxCount; }
    public boolean isEngineHealthy() { return engineHealthy; }
    public Instant getLastHeartbeatAt() { return lastHeartbeatAt; }
    public Instant getUnresponsiveSince() { return unresponsiveSince; }
    public Instant getCreatedAt() { return createdAt; }
}
