package dev.berth.runner.agent;

import java.util.List;

/**
 * What the control plane may ask of a sandbox's agent: the port a runner hands out for one sandbox. Files and
 * processes are separate roles ({@link AgentFiles}, {@link AgentProcesses}) so a caller can depend on the one
 * it uses; {@link AgentClient} implements it over the agent's wire protocol.
 */
public interface SandboxAgent extends AgentFiles, AgentProcesses {

    /** The agent's version string. */
    String ping() throws AgentException;

    /** The entrypoint's buffered output, up to now. */
    List<LogChunk> entrypointLogs() throws AgentException;

    /** The entrypoint's output from the start of the buffer, and with {@code follow} everything after it. */
    LogSubscription entrypointLogs(boolean follow, LogListener listener) throws AgentException;
}
