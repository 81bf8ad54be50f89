package dev.berth.runner.agent;

/** Error categories of {@link AgentException}, mapped from the agent's errno or from client-side failures. */
public enum AgentErrorCode {
    FILE_NOT_FOUND,
    FILE_ACCESS_DENIED,
    INVALID_FILE_PATH,
    FILE_ALREADY_EXISTS,
    NOT_A_DIRECTORY,
    IS_A_DIRECTORY,
    DIRECTORY_NOT_EMPTY,
    NO_SPACE,
    CROSS_DEVICE,
    /** The file is in use (a mount point, a busy device or executable): it cannot be deleted, moved or written. */
    FILE_BUSY,
    /** Not something that can be read or written as a file (a device without a driver, a socket, a fifo's peer). */
    NOT_A_REGULAR_FILE,
    /** The file system is mounted read-only in the sandbox. */
    READ_ONLY_FILE_SYSTEM,
    FILE_READ_FAILED,
    FILE_WRITE_FAILED,
    /** Spawn failed (command not found, bad cwd, unknown user...). */
    EXEC_FAILED,
    /** The peer violated the protocol (bad length, bad field, unexpected frame): treat the sandbox as hostile. */
    PROTOCOL_ERROR,
    /**
     * The sandbox's socket is not provably its agent: a symlink or a non-socket where the socket should be, or
     * the agent refused this sandbox's token (the socket leads to another sandbox, or the agent predates
     * authentication). Nothing was sent beyond the token.
     */
    AGENT_UNTRUSTED,
    /** Socket missing, refused, or closed unexpectedly. */
    CONNECTION_FAILED,
    /** The sandbox's runner process does not answer on its tunnel (stopped, killed or restarting): not the sandbox's fault. */
    RUNNER_UNREACHABLE,
    /** Client-side deadline expired. */
    TIMEOUT,
    /** Client-side resource bound hit (e.g. too many streaming processes). */
    LIMIT_EXCEEDED,
    OPERATION_FAILED;

    /** Linux errno values used by the mapping. */
    static final int EPERM = 1, ENOENT = 2, ENXIO = 6, EACCES = 13, EBUSY = 16, EEXIST = 17, ENODEV = 19,
            ETXTBSY = 26, EROFS = 30, EOPNOTSUPP = 95, EXDEV = 18, ENOTDIR = 20, EISDIR = 21,
            EINVAL = 22, ENOSPC = 28, ENAMETOOLONG = 36, ENOTEMPTY = 39, ELOOP = 40, EPROTO = 71, EMSGSIZE = 90,
            EDQUOT = 122;

    /** Maps an errno from the agent; {@code fallback} is used for anything not file-specific. */
    static AgentErrorCode fromErrno(int errno, AgentErrorCode fallback) {
        return switch (errno) {
            case ENOENT -> FILE_NOT_FOUND;
            case EACCES, EPERM -> FILE_ACCESS_DENIED;
            case EINVAL, ENAMETOOLONG, ELOOP -> INVALID_FILE_PATH;
            case EEXIST -> FILE_ALREADY_EXISTS;
            case ENOTDIR -> NOT_A_DIRECTORY;
            case EISDIR -> IS_A_DIRECTORY;
            case ENOTEMPTY -> DIRECTORY_NOT_EMPTY;
            case ENOSPC, EDQUOT -> NO_SPACE;
            case EXDEV -> CROSS_DEVICE;
            case EBUSY, ETXTBSY -> FILE_BUSY;
            case ENXIO, ENODEV, EOPNOTSUPP -> NOT_A_REGULAR_FILE;
            case EROFS -> READ_ONLY_FILE_SYSTEM;
            case EPROTO, EMSGSIZE -> PROTOCOL_ERROR;
            default -> fallback;
        };
    }
}
