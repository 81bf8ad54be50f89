package dev.berth.runner.engine;

/** Facts about the engine that decide what Berth can promise. */
/**
 * @param cpus cores of the engine's host: the most one container can be given (0 when the engine did not say)
 */
public record EngineInfo(String version, String storageDriver, boolean userNamespaceRemap, String dockerRootDir,
        int cpus) {

    /** overlay2 only enforces a per-container size on xfs with project quotas; we never pretend otherwise. */
    public boolean diskQuotaSupported() {
        return "devicemapper".equals(storageDriver) || "btrfs".equals(storageDriver) || "zfs".equals(storageDriver);
    }
}
