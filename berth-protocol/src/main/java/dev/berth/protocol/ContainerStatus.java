package dev.berth.protocol;

/** What a runner observes about a sandbox's container. */
public enum ContainerStatus {
    /** Created but never started, or being set up. */
    CREATED,
    RUNNING,
    /** Exited or stopped; the container and its filesystem still exist. */
    EXITED,
    /** No container with this sandbox label exists on the runner. */
    MISSING
}
