package dev.berth.core.quota;

/** An organization's limits: totals over its sandboxes, per-sandbox maxima, counts (GiB for sizes). */
public record Quota(int totalCpu, int totalMemory, int totalDisk, int maxCpuPerSandbox, int maxMemoryPerSandbox,
        int maxDiskPerSandbox, int maxSandboxes, int snapshotQuota, int maxSnapshotSize, int volumeQuota) {
}
