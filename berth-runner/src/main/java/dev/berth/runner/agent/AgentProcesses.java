package dev.berth.runner.agent;

import java.time.Duration;

/** Processes in a sandbox, through its agent. */
public interface AgentProcesses {

    /** The default cap of the stdout and of the stderr an {@link #exec} collects (beyond it: truncated). */
    int DEFAULT_MAX_OUTPUT = 16 << 20;

    /** Runs a process to completion without stdin. */
    ExecResult exec(ExecRequest req, Duration timeout) throws AgentException;

    /** Runs a process to completion; {@code stdin} is fed and then closed (null = closed at once). */
    ExecResult exec(ExecRequest req, byte[] stdin, Duration timeout) throws AgentException;

    /** Starts a streaming process whose output goes to {@code listener}; closing it kills its process group. */
    AgentProcess spawn(ExecRequest req, ProcessListener listener) throws AgentException;

    /**
     * Starts a terminal ({@code req} with a tty) that outlives its connection: closing the returned process
     * detaches from it (it keeps running, its output discarded) instead of killing it.
     */
    AgentProcess startTerminal(ExecRequest req, ProcessListener listener) throws AgentException;

    /** Attaches to a terminal started by {@link #startTerminal} (one connection at a time; EBUSY otherwise). */
    AgentProcess attachTerminal(int pid, ProcessListener listener) throws AgentException;

    /** Resizes a terminal started by {@link #startTerminal}, attached or not. */
    void resizeTerminal(int pid, int cols, int rows) throws AgentException;

    /** Starts a process that outlives the call; returns its pid once it printed its first line. */
    int startDetached(ExecRequest req) throws AgentException;
}
