package dev.berth.server.runner;

/** Health of a runner as the control plane sees it. */
public enum RunnerState {
    /** Created by an admin; the runner process has not registered yet. */
    PENDING,
    /** Heartbeats arrive; eligible for placement when schedulable. */
    READY,
    /** Missed heartbeats for longer than the configured time; excluded from placement. */
    UNRESPONSIVE,
    /** Came back after being unresponsive; reconciled on its next heartbeat before taking work. */
    RECONCILING
}
