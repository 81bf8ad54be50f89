package dev.berth.protocol.runner;

import java.util.List;

/** Payloads of the snapshot-making jobs a runner does, and where their log lines go. */
public final class ImageWork {

    private ImageWork() {
    }

    /**
     * {@link JobType#BUILD_IMAGE}: build {@code dockerfile} (its bases already rewritten to snapshot images, which the
     * runner pulls from the snapshot registry first) as {@code imageRef}, at most {@code maxBytes}, and push it.
     */
    public record Build(String imageRef, String dockerfile, List<String> bases, long memoryBytes, long maxBytes) {

        public Build {
            bases = bases == null ? List.of() : List.copyOf(bases);
        }
    }

    /** {@link JobType#IMPORT_IMAGE}: pull {@code source} anonymously, check it, name it {@code imageRef} and push it. */
    public record Import(String source, String imageRef, long maxBytes) {
    }

    /** The answer of both: the image's size on the engine. */
    public record Made(long sizeBytes) {
    }

    /** Where a runner posts a job's log lines (plain text, at most {@link #MAX_LOG_POST} bytes per post). */
    public static String logPath(String jobId) {
        return RunnerProtocol.JOBS + "/" + jobId + "/log";
    }

    public static final int MAX_LOG_POST = 64 * 1024;
}
