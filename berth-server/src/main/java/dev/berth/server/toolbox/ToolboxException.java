package dev.berth.server.toolbox;

import java.util.Objects;

/**
 * A toolbox (in-sandbox daemon) error, answered in the daemon's shape with {@code source: "DAYTONA_DAEMON"};
 * its status and code come from its {@link ToolboxError}, never from the thrower.
 */
public class ToolboxException extends RuntimeException {

    private final ToolboxError error;

    public ToolboxException(ToolboxError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    public ToolboxException(ToolboxError error, String message, Throwable cause) {
        super(message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    public ToolboxError error() {
        return error;
    }

    public int status() {
        return error.status();
    }

    public String code() {
        return error.code();
    }

    public static ToolboxException badRequest(String message) {
        return new ToolboxException(ToolboxError.BAD_REQUEST, message);
    }
}
