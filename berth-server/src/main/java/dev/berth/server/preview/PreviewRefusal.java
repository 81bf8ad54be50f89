package dev.berth.server.preview;

/**
 * Why a preview request is answered by Berth instead of reaching the sandbox: a status, a code clients can act on
 * ({@code PREVIEW_*}) and a message a person can act on. Thrown before any byte reaches the sandbox, except for
 * the upstream failures (port closed, no answer), which happen on the way.
 */
public class PreviewRefusal extends RuntimeException {

    private final int status;
    private final String code;

    public PreviewRefusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
