package dev.berth.protocol.runner;

import java.time.Duration;

/** Work the control plane hands a runner, each with the time after which an unfinished job is failed. */
public enum JobType {
    CREATE_SANDBOX(Duration.ofMinutes(5)),
    START_SANDBOX(Duration.ofMinutes(2)),
    STOP_SANDBOX(Duration.ofMinutes(2)),
    DESTROY_SANDBOX(Duration.ofMinutes(2)),
    /** Commit the sandbox's container as a snapshot image and push it; payload {@code {"imageRef": ...}}. */
    COMMIT_SANDBOX(Duration.ofMinutes(10)),
    /** Pull a snapshot image from the snapshot registry; payload {@code {"imageRef": ...}}, the resource is the image. */
    PULL_IMAGE(Duration.ofMinutes(15)),
    /** Remove a snapshot image from the runner's engine; payload {@code {"imageRef": ...}}. */
    REMOVE_IMAGE(Duration.ofMinutes(2)),
    /** Build a Dockerfile snapshot and push it; payload {@link ImageWork.Build}, log lines posted as they come. */
    BUILD_IMAGE(Duration.ofMinutes(30)),
    /** Pull an image for a snapshot, check it and push it; payload {@link ImageWork.Import}. */
    IMPORT_IMAGE(Duration.ofMinutes(30)),
    /**
     * Build one of Berth's base images from Debian packages (or the runner's rootfs cache), import it and push it to the
     * snapshot registry; payload {@link ImageWork.Base}. Protocol v4.
     */
    BUILD_BASE_IMAGE(Duration.ofMinutes(30)),
    /**
     * Change a sandbox's network policy (recorded for its starts, in force at once when it runs); payload
     * {@link NetworkSettings}.
     */
    APPLY_NETWORK(Duration.ofSeconds(30)),
    /** Freeze the sandbox's processes (memory kept); payload {@code {}}. */
    PAUSE_SANDBOX(Duration.ofSeconds(30)),
    /** Thaw a paused sandbox; payload {@code {}}. */
    RESUME_SANDBOX(Duration.ofSeconds(30)),
    /** Change a sandbox's CPU quota and memory limit, live when it runs; payload {@link ResizeRequest}. */
    RESIZE_SANDBOX(Duration.ofSeconds(30));

    private final Duration timeout;

    JobType(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
