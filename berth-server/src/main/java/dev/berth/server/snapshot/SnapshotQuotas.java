package dev.berth.server.snapshot;

/** The organization's snapshot quotas, as the tenancy feature keeps them. */
public interface SnapshotQuotas {

    /** Must run inside a transaction: locks the organization and answers how many snapshots it may have. */
    int lockAndGetSnapshotCount(String organizationId);

    /** The largest snapshot image the organization may store, in bytes. */
    long maxSnapshotBytes(String organizationId);
}
