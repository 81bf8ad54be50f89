package dev.berth.server.snapshot;

/** Snapshot states, with the Daytona wire names. */
public enum SnapshotState {
    BUILDING("building"),
    PENDING("pending"),
    PULLING("pulling"),
    SNAPSHOTTING("snapshotting"),
    ACTIVE("active"),
    INACTIVE("inactive"),
    ERROR("error"),
    BUILD_FAILED("build_failed"),
    REMOVING("removing");

    private final String wireName;

    SnapshotState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
