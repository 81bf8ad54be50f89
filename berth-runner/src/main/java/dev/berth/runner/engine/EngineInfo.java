package dev.berth.runner.engine;

/** Facts about the engine that decide what Berth can promise. */
public record EngineInfo(String version, String storageDriver, boolean userNamespaceRemap, String dockerRootDir) {

    /** overlay2 only enforces a per-container size on xfs with project quotas; we never pretend otherwise. */
    public boolean diskQuotaSupported() {
        return "devicemapper".equals(storageDriver) || "btrfs".equals(storageDriver) || "zfs".equals(storageDriver);
    }
}
