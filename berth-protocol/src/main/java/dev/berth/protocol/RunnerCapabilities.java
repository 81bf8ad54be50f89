package dev.berth.protocol;

/**
 * What a runner can enforce. Reported truthfully: overlay2 on ext4 has no per-container disk
 * quota, so {@code diskQuotaEnforced} is false there and the API says so.
 */
public record RunnerCapabilities(
        String engineVersion,
        String storageDriver,
        boolean diskQuotaEnforced,
        boolean userNamespaceRemap,
        boolean agentAvailable) {
}
