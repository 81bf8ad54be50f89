package dev.berth.protocol.runner;

/**
 * What a runner tells the control plane when it (re)connects: where its tunnel listens, the secret
 * the control plane must present there, its protocol version and what it holds.
 */
public record Registration(String endpoint, String secret, int protocolVersion, String runnerClass, Capacity capacity,
        String engineVersion, String storageDriver, boolean diskQuotaEnforced, String agentVersion) {

    /** Resources a runner offers to sandboxes. */
    public record Capacity(int cpu, int memoryGiB, int diskGiB, int maxSandboxes) {
    }
}
