package dev.berth.server.runner;

import dev.berth.protocol.runner.ImageWork;
import java.io.InputStream;

/**
 * What a runner doing a snapshot job may read while it runs, and nothing else: the build contexts the snapshot
 * names (read with its organization's own object-storage key) and the credentials of its source registry. The
 * snapshot feature answers; secrets never travel in a job's stored payload.
 */
public interface JobMaterials {

    /** An uploaded context of the snapshot; 404 when the snapshot does not name that hash. */
    InputStream context(String snapshotId, String hash);

    /** The organization's credentials for the snapshot's source image; 404 when it has none. */
    ImageWork.SourceAuth sourceAuth(String snapshotId);
}
