package dev.berth.core.sandbox;

/**
 * Runner work a reconcile decision can ask for. Every command is idempotent against what the runner observes:
 * CREATE of a container that exists only starts it (or waits for its agent when it runs), START of a running
 * container only waits for its agent, STOP of a stopped one and REMOVE of a missing one do nothing.
 */
public enum RunnerCommand {
    /** Make the sandbox's container exist and run (create it from the sandbox's spec if it is missing). */
    CREATE,
    /** Start the existing container. */
    START,
    /** Stop the container. */
    STOP,
    /** Remove the container and the sandbox's files on the runner. */
    REMOVE,
    /** Freeze the container's processes (a paused container stays paused). */
    PAUSE,
    /** Thaw the container (one that is not paused is left alone). */
    RESUME,
    /** Apply the sandbox's recorded CPU and memory to its container (running or not). */
    RESIZE
}
