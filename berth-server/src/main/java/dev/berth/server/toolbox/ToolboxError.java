package dev.berth.server.toolbox;

/**
 * Every error the toolbox answers, with its HTTP status and its wire {@code code}, in one place. The codes are the
 * daemon's (the Daytona SDK maps {@code source: "DAYTONA_DAEMON"} + code to its typed errors, and every other
 * response by status); where the daemon has no code of its own, the generic one for the status is used.
 */
public enum ToolboxError {
    BAD_REQUEST(400),
    INVALID_FILE_PATH(400),
    UNAUTHORIZED(401),
    FILE_ACCESS_DENIED(403),
    NOT_FOUND(404),
    FILE_NOT_FOUND(404),
    PROCESS_NOT_FOUND(404),
    REQUEST_TIMEOUT(408),
    PROCESS_EXECUTION_TIMEOUT(408),
    CONFLICT(409),
    SESSION_ENDED(410),
    COMMAND_ALREADY_COMPLETED(410),
    UNPROCESSABLE_ENTITY(422),
    /** a per-sandbox or per-session bound (sessions, queued commands, log followers, buffered input): 429 */
    QUOTA_EXCEEDED(429),
    INTERNAL_SERVER_ERROR(500),
    FILE_READ_FAILED(500),
    /** the agent answered something Berth does not accept (a protocol violation, an untrusted socket) */
    AGENT_FAILED(502, "INTERNAL_SERVER_ERROR"),
    /** the agent cannot be reached (the sandbox is not running, or its runner is away) */
    AGENT_UNAVAILABLE(503, "INTERNAL_SERVER_ERROR"),
    /** the sandbox's runner has stopped sending heartbeats: nothing was sent; retry when it is back */
    RUNNER_UNAVAILABLE(503),
    INSUFFICIENT_STORAGE(507),
    GIT_AUTH_FAILED(401),
    GIT_REPO_NOT_FOUND(404),
    GIT_BRANCH_NOT_FOUND(404),
    GIT_MERGE_CONFLICT(409),
    GIT_DIRTY_WORKTREE(409),
    GIT_REMOTE_REJECTED(409),
    GIT_PUSH_REJECTED(409),
    GIT_BRANCH_EXISTS(409),
    GIT_TRANSPORT_FAILED(502);

    private final int status;
    private final String code;

    ToolboxError(int status) {
        this.status = status;
        this.code = name();
    }

    ToolboxError(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The {@code code} field of the response. */
    public String code() {
        return code;
    }
}
