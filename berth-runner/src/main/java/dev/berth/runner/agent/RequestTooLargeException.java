package dev.berth.runner.agent;

/**
 * A request that cannot be sent to the agent because it does not fit in one frame (a command, its arguments and
 * environment, or a path, larger than {@link Wire#FRAME_MAX}). Thrown before anything is sent: the caller's input
 * is at fault, not the sandbox.
 */
public final class RequestTooLargeException extends IllegalArgumentException {

    public static final int MAX_BYTES = Wire.FRAME_MAX - 1;

    RequestTooLargeException(long bytes) {
        super("the request is too large for the sandbox's agent: " + bytes + " bytes, at most " + MAX_BYTES
                + " (1 MiB) for a command with its arguments and environment, or a path; send large data as a file");
    }
}
