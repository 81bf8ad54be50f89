package dev.berth.server.org;

import dev.berth.core.quota.Quota;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * The quota columns of an organization (cores, GiB, counts). The defaults of a new tenant organization are half of
 * what the embedded runner offers on a 2-core host (it advertises 8 cores per CPU): one tenant at its
 * quota leaves room for others. Raise them per organization with the admin quota route.
 */
@Embeddable
public class OrganizationQuota {

    @Column(name = "total_cpu_quota", nullable = false)
    int totalCpuQuota = 8;
    @Column(name = "total_memory_quota", nullable = false)
    int totalMemoryQuota = 16;
    @Column(name = "total_disk_quota", nullable = false)
    int totalDiskQuota = 200;
    @Column(name = "max_cpu_per_sandbox", nullable = false)
    int maxCpuPerSandbox = 4;
    @Column(name = "max_memory_per_sandbox", nullable = false)
    int maxMemoryPerSandbox = 8;
    @Column(name = "max_disk_per_sandbox", nullable = false)
    int maxDiskPerSandbox = 10;
    @Column(name = "max_sandboxes", nullable = false)
    int maxSandboxes = 100;
    @Column(name = "snapshot_quota", nullable = false)
    int snapshotQuota = 100;
    @Column(name = "max_snapshot_size", nullable = false)
    int maxSnapshotSize = 20;
    @Column(name = "volume_quota", nullable = false)
    int volumeQuota = 100;

    /**
     * The bootstrap ("default", the operator's own) organization keeps the embedded runner's whole capacity on a
     * 2-core host, as before: in a single-user install it is the only tenant. Tenant organizations get the
     * field defaults (half).
     */
    public void operatorDefaults() {
        totalCpuQuota = 16;
        totalMemoryQuota = 32;
    }

    public Quota toQuota() {
        return new Quota(totalCpuQuota, totalMemoryQuota, totalDiskQuota, maxCpuPerSandbox, maxMemoryPerSandbox,
                maxDiskPerSandbox, maxSandboxes, snapshotQuota, maxSnapshotSize, volumeQuota);
    }

    public void apply(Quota q) {
        totalCpuQuota = q.totalCpu();
        totalMemoryQuota = q.totalMemory();
        totalDiskQuota = q.totalDisk();
        maxCpuPerSandbox = q.maxCpuPerSandbox();
        maxMemoryPerSandbox = q.maxMemoryPerSandbox();
        maxDiskPerSandbox = q.maxDiskPerSandbox();
        maxSandboxes = q.maxSandboxes();
        snapshotQuota = q.snapshotQuota();
        maxSnapshotSize = q.maxSnapshotSize();
        volumeQuota = q.volumeQuota();
    }
}
