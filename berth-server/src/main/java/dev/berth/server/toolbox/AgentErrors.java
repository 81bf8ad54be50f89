package dev.berth.server.toolbox;

import dev.berth.runner.agent.AgentException;

/** Maps agent failures to the daemon error codes and HTTP statuses the Daytona SDK expects. */
public final class AgentErrors {

    private AgentErrors() {
    }

    public static ToolboxException translate(AgentException e) {
        String msg = e.getMessage();
        return switch (e.code()) {
            case FILE_NOT_FOUND -> new ToolboxException(ToolboxError.FILE_NOT_FOUND, msg, e);
            case FILE_ACCESS_DENIED -> new ToolboxException(ToolboxError.FILE_ACCESS_DENIED, msg, e);
            case INVALID_FILE_PATH, NOT_A_DIRECTORY, IS_A_DIRECTORY -> new ToolboxException(ToolboxError.INVALID_FILE_PATH, msg, e);
            case FILE_ALREADY_EXISTS, DIRECTORY_NOT_EMPTY -> new ToolboxException(ToolboxError.CONFLICT, msg, e);
            // what the sandbox's own file system refuses is the request's problem (4xx), with the reason and a way on
            case FILE_BUSY -> new ToolboxException(ToolboxError.CONFLICT, msg + " (the file is in use: a mount point, a busy "
                    + "device or a running executable)", e);
            case CROSS_DEVICE -> new ToolboxException(ToolboxError.BAD_REQUEST, msg + " (source and destination are on "
                    + "different file systems: copy the file, then delete the source)", e);
            case NOT_A_REGULAR_FILE -> new ToolboxException(ToolboxError.BAD_REQUEST, msg + " (not a regular file: devices, "
                    + "sockets and the like cannot be transferred)", e);
            case READ_ONLY_FILE_SYSTEM -> new ToolboxException(ToolboxError.FILE_ACCESS_DENIED, msg
                    + " (read-only file system)", e);
            case NO_SPACE -> new ToolboxException(ToolboxError.INSUFFICIENT_STORAGE, msg + " (the sandbox's disk is full)", e);
            case FILE_WRITE_FAILED, OPERATION_FAILED -> new ToolboxException(ToolboxError.INTERNAL_SERVER_ERROR, msg, e);
            case FILE_READ_FAILED -> new ToolboxException(ToolboxError.FILE_READ_FAILED, msg, e);
            case EXEC_FAILED -> new ToolboxException(ToolboxError.BAD_REQUEST, msg, e);
            case TIMEOUT -> new ToolboxException(ToolboxError.PROCESS_EXECUTION_TIMEOUT, msg, e);
            case LIMIT_EXCEEDED -> new ToolboxException(ToolboxError.QUOTA_EXCEEDED, msg, e);
            case PROTOCOL_ERROR -> new ToolboxException(ToolboxError.AGENT_FAILED,
                    "the sandbox's agent sent an invalid response; the connection was dropped", e);
            // the sandbox's own side is broken (its socket replaced from inside, or an agent that cannot prove it
            // is this sandbox's): a bad gateway, not the caller's fault; the message says to restart the sandbox
            case AGENT_UNTRUSTED -> new ToolboxException(ToolboxError.AGENT_FAILED, msg, e);
            // the runner process is away before the control plane has judged it unresponsive: the same answer as after
            case RUNNER_UNREACHABLE -> new ToolboxException(ToolboxError.RUNNER_UNAVAILABLE, msg, e);
            case CONNECTION_FAILED -> new ToolboxException(ToolboxError.AGENT_UNAVAILABLE,
                    "the sandbox's agent is not reachable (is the sandbox started?): " + msg, e);
        };
    }
}
