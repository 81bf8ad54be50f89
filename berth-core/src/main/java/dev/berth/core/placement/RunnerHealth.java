package dev.berth.core.placement;

/**
 * One state per runner, so contradictions ("removed but schedulable") cannot be written. When
 * several apply the control plane reports the strongest: REMOVED, then UNRESPONSIVE, then ENGINE_DOWN,
 * then DRAINING.
 */
public enum RunnerHealth {
    /** Heartbeating and open for new sandboxes. */
    HEALTHY,
    /** Heartbeating, keeps its sandboxes, takes no new ones (an operator cordoned it). */
    DRAINING,
    /** Heartbeating, but its container engine does not answer: keeps its records, takes no new sandboxes. */
    ENGINE_DOWN,
    /** Missed its heartbeats; its sandboxes are being reconciled. */
    UNRESPONSIVE,
    /** Deregistered; kept in views only until its records are gone. */
    REMOVED;

    public boolean acceptsPlacements() {
        return this == HEALTHY;
    }
}
