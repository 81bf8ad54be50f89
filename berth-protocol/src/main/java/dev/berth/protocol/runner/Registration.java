package dev.berth.protocol.runner;

import java.util.List;

/**
 * What a runner tells the control plane when it (re)connects: where its tunnel listens, the secret
 * the control plane must present there, its protocol version and what it holds.
 *
 * @param images every tagged image its engine holds ({@code repository:tag}), so placement knows at once which
 *               snapshots it can start; null from a runner that predates it
 */
public record Registration(String endpoint, String secret, int protocolVersion, String runnerClass, Capacity capacity,
        String engineVersion, String storageDriver, boolean diskQuotaEnforced, String agentVersion,
        List<String> images) {

    /** Resources a runner offers to sandboxes. */
    public record Capacity(int cpu, int memoryGiB, int diskGiB, int maxSandboxes) {
    }
}
