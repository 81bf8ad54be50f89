package dev.berth.core.placement;

import java.util.Objects;
import java.util.Set;

/**
 * What placement knows about one runner at a moment: where it is, whether it takes work, what
 * it has, what Berth has put there, how busy it is, and which snapshots it holds.
 *
 * @param allocated the sum of what Berth placed there, including this sandbox count
 * @param canPull   whether the runner reaches the registry, so a missing snapshot can be pulled
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
        boolean canPull) {

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

    public boolean hasSnapshot(SnapshotRef ref) {
        return snapshots.contains(ref);
    }

    /** The same runner with another allocation (after a reservation or release). */
    public RunnerView withAllocated(RunnerResources newAllocated) {
        return new RunnerView(id, region, runnerClass, health, capacity, newAllocated, usage, snapshots, canPull);
    }
}
