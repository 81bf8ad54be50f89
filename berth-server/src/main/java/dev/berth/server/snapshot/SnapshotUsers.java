package dev.berth.server.snapshot;

/** What the sandbox feature tells about sandboxes that use, or wait for, a snapshot. */
public interface SnapshotUsers {

    /** Live sandboxes made from the snapshot (its name in its organization) or waiting for its build. */
    long liveSandboxesUsing(String organizationId, String name, String snapshotId);

    /** The snapshots sandboxes wait for (in pending_build or building_snapshot). */
    java.util.List<String> awaitedSnapshots();

    /** The snapshot's build started: sandboxes waiting in pending_build move to building_snapshot. */
    void buildStarted(String snapshotId);

    /** The snapshot is active: the sandboxes that waited for it are created now. */
    void buildSucceeded(String snapshotId);

    /** The build failed: the sandboxes that waited for it end in build_failed with the reason. */
    void buildFailed(String snapshotId, String reason);
}
