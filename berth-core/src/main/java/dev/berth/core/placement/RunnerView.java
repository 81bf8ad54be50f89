package dev.berth.core.placement;

import java.util.Objects;
import java.util.Set;

/**
 * What placement knows about one runner at a moment: where it is, whether it takes work, what
 * it has, what Berth has put there, how busy it is, and which snapshots it holds.
 *
 * @param allocated the sum of what Berth placed there, including this sandbox count
 * @param canPull   whether the runner reaches the registry, so a missing snapshot can be pulled
 * @param host      the machine it shares with other runners (their allocations count against one capacity); null
 *                  when it is alone on its machine or its machine is not known
 */
public record RunnerView(
        RunnerId id,
        String region,
        String runnerClass,
        RunnerHealth health,
        RunnerResources capacity,
        RunnerResources allocated,
        RunnerUsage usage,
        Set<SnapshotRef> snapshots,
        boolean canPull,
        HostShare host) {

    /** A runner alone on its machine. */
    public RunnerView(RunnerId id, String region, String runnerClass, RunnerHealth health, RunnerResources capacity,
            RunnerResources allocated, RunnerUsage usage, Set<SnapshotRef> snapshots, boolean canPull) {
        this(id, region, runnerClass, health, capacity, allocated, usage, snapshots, canPull, null);
    }

    public RunnerView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(runnerClass, "runnerClass");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(allocated, "allocated");
        Objects.requireNonNull(usage, "usage");
        if (capacity.cpu() == 0 || capacity.memoryGiB() == 0 || capacity.diskGiB() == 0 || capacity.sandboxes() == 0) {
            throw new IllegalArgumentException("runner " + id + " has a zero capacity: " + capacity);
        }
        snapshots = Set.copyOf(snapshots);
    }

    /** Whether the runner, and the machine it shares, have room for one more sandbox of size {@code r}. */
    public boolean admits(dev.berth.core.sandbox.Resources r, double cpuOvercommit) {
        return capacity.admits(allocated, r, cpuOvercommit) && (host == null || host.admits(r, cpuOvercommit));
    }

    public boolean hasSnapshot(SnapshotRef ref) {
        return snapshots.contains(ref);
    }

    /** The same runner with another allocation (after a reservation or release). */
    public RunnerView withAllocated(RunnerResources newAllocated) {
        return new RunnerView(id, region, runnerClass, health, capacity, newAllocated, usage, snapshots, canPull, host);
    }
}
