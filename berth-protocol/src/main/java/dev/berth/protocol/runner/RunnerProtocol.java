package dev.berth.protocol.runner;

/** Versions and paths of the runner protocol (runner → control plane, pull-based). */
public final class RunnerProtocol {

    public static final int V1 = 1;
    public static final int V2 = 2;
    /** Adds the PAUSE_SANDBOX, RESUME_SANDBOX and RESIZE_SANDBOX jobs. */
    public static final int V3 = 3;
    /**
     * Adds the BUILD_BASE_IMAGE job (a runner builds one of Berth's base images and stores it in the snapshot registry)
     * and the runner's host in its registration.
     */
    public static final int V4 = 4;
    public static final int CURRENT = V4;

    public static final String REGISTER = "/api/runner/register";
    public static final String JOBS = "/api/runner/jobs";
    public static final String HEARTBEAT = "/api/runner/heartbeat";
    /** First line a control plane sends on a runner's tunnel: {@code BERTH-TUNNEL/1 <secret> <sandboxId>\n}. */
    public static final String TUNNEL_PREAMBLE = "BERTH-TUNNEL/1";

    private RunnerProtocol() {
    }
}
