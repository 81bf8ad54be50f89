package dev.berth.server.sandbox;

import java.util.Optional;

/**
 * Port: the warm pools a create may be served from, and the reconciler's sweep of them. Owned by sandbox; the
 * warmpool feature implements it (so that feature may use sandbox's, and not the other way round).
 */
public interface WarmPools {

    /**
     * Claims a ready sandbox of a pool matching the snapshot, region, resources and user (the caller's own pools
     * first, then system pools), or empty: the create then goes cold.
     */
    Optional<Sandbox> claim(String snapshotId, String target, String osUser, PoolClaims.Request request);

    /** The reconciler's sweep reached the pools: look at each (rate-limited by the implementation). */
    void sweep();
}
