package dev.berth.protocol.runner;

import java.util.List;

/**
 * What a runner tells the control plane when it (re)connects: where its tunnel listens, the secret
 * the control plane must present there, its protocol version and what it holds.
 *
 * @param images every tagged image its engine holds ({@code repository:tag}), so placement knows at once which
 *               snapshots it can start; null from a runner that predates it
 * @param host   the machine the runner runs on and what that machine offers to all its runners together; null from a
 *               runner that predates it (v3 and older), which is then placed as if it had the host to itself
 */
public record Registration(String endpoint, String secret, int protocolVersion, String runnerClass, Capacity capacity,
        String engineVersion, String storageDriver, boolean diskQuotaEnforced, String agentVersion,
        List<String> images, Host host) {

    /** A registration without a host (protocol v3 and older). */
    public Registration(String endpoint, String secret, int protocolVersion, String runnerClass, Capacity capacity,
            String engineVersion, String storageDriver, boolean diskQuotaEnforced, String agentVersion,
            List<String> images) {
        this(endpoint, secret, protocolVersion, runnerClass, capacity, engineVersion, storageDriver, diskQuotaEnforced,
                agentVersion, images, null);
    }

    /** Resources a runner offers to sandboxes. */
    public record Capacity(int cpu, int memoryGiB, int diskGiB, int maxSandboxes) {
    }

    /**
     * The runner's machine: {@code id} is the same for every runner on one booted machine (a hash of
     * {@code /etc/machine-id} and the boot id), and the figures are what that machine offers to sandboxes of all its
     * runners together (the same defaults a runner offers alone: 8x cores, 4x memory, its data disk).
     */
    public record Host(String id, int cpu, int memoryGiB, int diskGiB) {
    }
}
