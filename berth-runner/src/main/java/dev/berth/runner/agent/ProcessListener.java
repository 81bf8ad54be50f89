package dev.berth.runner.agent;

/**
 * Receives the output of a streaming process. All callbacks of one process are made sequentially from that
 * process's reader thread (see {@link AgentClient}); they must not block for long, since while a callback runs
 * no output is read and the agent applies backpressure to the process.
 */
public interface ProcessListener {
    default void onStdout(byte[] data) {}

    /** Never called for PTY processes (stderr is merged into stdout). */
    default void onStderr(byte[] data) {}

    /** Called once, after all output. */
    default void onExit(ExitStatus status) {}

    /** Called instead of {@link #onExit} if the connection failed (not when the handle was closed by us). */
    default void onError(AgentException error) {}
}
