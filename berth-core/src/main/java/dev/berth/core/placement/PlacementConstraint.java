package dev.berth.core.placement;

/**
 * The filters, in the order a rejection is explained: the first one that leaves no runner is the
 * reason given.
 */
public enum PlacementConstraint {
    /** No runner is registered at all. */
    NO_RUNNERS,
    /** No runner in the requested region. */
    REGION,
    /** Runners exist there, but none is healthy and schedulable. */
    HEALTH,
    /** No healthy runner of the requested class there. */
    RUNNER_CLASS,
    /** No candidate holds the snapshot or can pull it. */
    SNAPSHOT,
    /** No candidate has enough free cores. */
    CPU,
    /** No candidate has enough free memory. */
    MEMORY,
    /** No candidate has enough free disk. */
    DISK,
    /** Every candidate is at its sandbox limit. */
    SANDBOX_SLOTS,
    /** Each resource is free somewhere, but no single candidate has all of them. */
    COMBINED_RESOURCES
}
