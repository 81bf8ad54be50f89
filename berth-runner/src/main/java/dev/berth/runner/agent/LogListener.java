package dev.berth.runner.agent;

/** Receives entrypoint logs; called sequentially from one reader thread. */
public interface LogListener {
    void onLog(LogChunk chunk);

    /** Follow mode only: the entrypoint exited (after all its output). */
    default void onExit(ExitStatus status) {}

    /** End of the stream (snapshot delivered, or entrypoint gone in follow mode). */
    default void onEnd() {}

    default void onError(AgentException error) {}
}
