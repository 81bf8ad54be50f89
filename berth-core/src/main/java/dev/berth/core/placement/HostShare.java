package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.Objects;

/**
 * The machine a runner shares with other runners: what the machine offers to all their sandboxes together and what
 * Berth has placed on all of them. Two runners on one machine each offer the machine's cores and memory; checked
 * alone, each would fill it, and together they would promise it twice. A runner alone on its machine has none.
 *
 * @param capacity  cores, memory and disk of the machine for sandboxes (its sandbox count is not used: slots are
 *                  per runner)
 * @param allocated the sum of the allocations of every runner on the machine
 */
public record HostShare(String hostId, RunnerResources capacity, RunnerResources allocated) {

    public HostShare {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(allocated, "allocated");
        if (capacity.cpu() == 0 || capacity.memoryGiB() == 0 || capacity.diskGiB() == 0) {
            throw new IllegalArgumentException("host " + hostId + " has a zero capacity: " + capacity);
        }
    }

    /** Whether the machine has room for one more sandbox of size {@code r} (cpu overcommitted as for runners). */
    public boolean admits(Resources r, double cpuOvercommit) {
        return capacity.cpuFits(allocated, r, cpuOvercommit) && capacity.memoryFits(allocated, r)
                && capacity.diskFits(allocated, r);
    }
}
