package dev.berth.core.sandbox;

/**
 * Why a sandbox is in {@code error}, as a type the reconciler can act on (the reason string is for people).
 * Stored by its wire name.
 */
public enum ErrorKind {
    /** Its runner stopped answering: nothing is known about the sandbox; the runner's return settles it. */
    RUNNER_LOST("runner_lost"),
    /** The container was removed outside Berth. */
    CONTAINER_REMOVED("container_removed"),
    /** The container's init process exited with a failure. */
    CONTAINER_EXITED("container_exited"),
    /** The engine killed the container for exceeding its memory limit. */
    OUT_OF_MEMORY("out_of_memory"),
    /** A transition did not finish within the transition timeout. */
    TRANSITION_TIMEOUT("transition_timeout"),
    /** A create, start, stop or delete the runner was asked for failed; the reason has the runner's message. */
    ACTION_FAILED("action_failed");

    private final String wireName;

    ErrorKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ErrorKind fromWire(String s) {
        if (s == null) {
            return null;
        }
        for (ErrorKind k : values()) {
            if (k.wireName.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown error kind '" + s + "'");
    }
}
