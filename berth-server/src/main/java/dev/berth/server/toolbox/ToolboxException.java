package dev.berth.server.toolbox;

/**
 * A toolbox (in-sandbox daemon) error, answered in the daemon's shape with
 * {@code source: "DAYTONA_DAEMON"} and one of the daemon codes the SDK maps to typed errors
 * (FILE_NOT_FOUND, GIT_*, PROCESS_*, BAD_REQUEST, ...).
 */
public class ToolboxException extends RuntimeException {

    private final int status;
    private final String code;

    public ToolboxException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public ToolboxException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ToolboxException badRequest(String message) {
        return new ToolboxException(400, "BAD_REQUEST", message);
    }

    public static ToolboxException notFound(String code, String message) {
        return new ToolboxException(404, code, message);
    }
}
