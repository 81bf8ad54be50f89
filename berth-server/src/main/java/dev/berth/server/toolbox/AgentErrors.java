package dev.berth.server.toolbox;

import dev.berth.runner.agent.AgentException;

/** Maps agent failures to the daemon error codes and HTTP statuses the Daytona SDK expects. */
public final class AgentErrors {

    private AgentErrors() {
    }

    public static ToolboxException translate(AgentException e) {
        String msg = e.getMessage();
        return switch (e.code()) {
            case FILE_NOT_FOUND -> new ToolboxException(404, "FILE_NOT_FOUND", msg, e);
            case FILE_ACCESS_DENIED -> new ToolboxException(403, "FILE_ACCESS_DENIED", msg, e);
            case INVALID_FILE_PATH, NOT_A_DIRECTORY, IS_A_DIRECTORY -> new ToolboxException(400, "INVALID_FILE_PATH", msg, e);
            case FILE_ALREADY_EXISTS, DIRECTORY_NOT_EMPTY -> new ToolboxException(409, "CONFLICT", msg, e);
            // what the sandbox's own file system refuses is the request's problem (4xx), with the reason and a way on
            case FILE_BUSY -> new ToolboxException(409, "CONFLICT", msg + " (the file is in use: a mount point, a busy "
                    + "device or a running executable)", e);
            case CROSS_DEVICE -> new ToolboxException(400, "BAD_REQUEST", msg + " (source and destination are on "
                    + "different file systems: copy the file, then delete the source)", e);
            case NOT_A_REGULAR_FILE -> new ToolboxException(400, "BAD_REQUEST", msg + " (not a regular file: devices, "
                    + "sockets and the like cannot be transferred)", e);
            case READ_ONLY_FILE_SYSTEM -> new ToolboxException(403, "FILE_ACCESS_DENIED", msg
                    + " (read-only file system)", e);
            case NO_SPACE -> new ToolboxException(507, "INSUFFICIENT_STORAGE", msg + " (the sandbox's disk is full)", e);
            case FILE_WRITE_FAILED, OPERATION_FAILED -> new ToolboxException(500, "INTERNAL_SERVER_ERROR", msg, e);
            case FILE_READ_FAILED -> new ToolboxException(500, "FILE_READ_FAILED", msg, e);
            case EXEC_FAILED -> new ToolboxException(400, "BAD_REQUEST", msg, e);
            case TIMEOUT -> new ToolboxException(408, "PROCESS_EXECUTION_TIMEOUT", msg, e);
            case LIMIT_EXCEEDED -> new ToolboxException(429, "CONFLICT", msg, e);
            case PROTOCOL_ERROR -> new ToolboxException(502, "INTERNAL_SERVER_ERROR",
                    "the sandbox's agent sent an invalid response; the connection was dropped", e);
            // the sandbox's own side is broken (its socket replaced from inside, or an agent that cannot prove it
            // is this sandbox's): a bad gateway, not the caller's fault; the message says to restart the sandbox
            case AGENT_UNTRUSTED -> new ToolboxException(502, "INTERNAL_SERVER_ERROR", msg, e);
            case CONNECTION_FAILED -> new ToolboxException(503, "INTERNAL_SERVER_ERROR",
                    "the sandbox's agent is not reachable (is the sandbox started?): " + msg, e);
        };
    }
}
