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
    public record Build(String imageRef, String dockerfile, List<String> bases, long memoryBytes, long maxBytes,
            List<String> contextHashes, long maxContextBytes) {

        public Build {
            bases = bases == null ? List.of() : List.copyOf(bases);
            contextHashes = contextHashes == null ? List.of() : List.copyOf(contextHashes);
        }
    }

    /**
     * {@link JobType#IMPORT_IMAGE}: pull {@code source}, check it, name it {@code imageRef} and push it. With
     * {@code authenticated}, the runner asks the control plane for the pull's credentials ({@link #sourceAuthPath}):
     * they are never stored in the job.
     */
    public record Import(String source, String imageRef, long maxBytes, boolean authenticated) {
    }

    /** {@link JobType#BUILD_BASE_IMAGE}: make base image {@code imageRef} (e.g. {@code berth/default:latest}) and push it. */
    public record Base(String imageRef) {
    }

    /** Where a runner reads one uploaded build context of its running BUILD_IMAGE job. */
    public static String contextPath(String jobId, String hash) {
        return RunnerProtocol.JOBS + "/" + jobId + "/context/" + hash;
    }

    /** Where a runner reads the registry credentials of its running IMPORT_IMAGE job. */
    public static String sourceAuthPath(String jobId) {
        return RunnerProtocol.JOBS + "/" + jobId + "/source-auth";
    }

    /** The credentials of an import's source registry. */
    public record SourceAuth(String host, String username, String password) {

        @Override
        public String toString() {
            return "SourceAuth[host=" + host + ", username=" + username + ", password=***]";
        }
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
