package dev.berth.runner.agent;

import java.io.IOException;

/** Failure talking to, or reported by, a berth-agent. {@link #errno()} is 0 for client-side failures. */
public class AgentException extends IOException {
    private static final long serialVersionUID = 1L;

    private final AgentErrorCode code;
    private final int errno;

    public AgentException(AgentErrorCode code, int errno, String message) {
        super(message);
        this.code = code;
        this.errno = errno;
    }

    public AgentException(AgentErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.errno = 0;
    }

    public AgentErrorCode code() {
        return code;
    }

    /** Linux errno reported by the agent, or 0. */
    public int errno() {
        return errno;
    }

    static AgentException protocol(String message) {
        return new AgentException(AgentErrorCode.PROTOCOL_ERROR, 0, "agent protocol violation: " + message);
    }

    @Override
    public String toString() {
        return "AgentException[" + code + (errno != 0 ? ", errno=" + errno : "") + "]: " + getMessage();
    }
}
