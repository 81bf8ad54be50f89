package dev.berth.server.toolbox.git;

import dev.berth.runner.image.BaseImage;
import dev.berth.runner.image.BaseImageBuilder;
import dev.berth.server.runner.EmbeddedRunnerRegistration;
import dev.berth.server.snapshot.Snapshot;
import dev.berth.server.snapshot.SnapshotRepository;
import dev.berth.server.snapshot.SnapshotState;
import dev.berth.server.toolbox.ToolboxIT;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Toolbox ITs on the {@code berth/default} image (Debian with git, python3, curl). BerthIT turns the background
 * build off, so the image is imported here from the tarball cache (seconds) and its snapshot marked active.
 */
public abstract class DefaultImageIT extends ToolboxIT {

    public static final String DEFAULT = BaseImage.DEFAULT.snapshotName();

    @Autowired
    SnapshotRepository snapshots;

    @Autowired
    BaseImageBuilder builder;

    @Autowired
    EmbeddedRunnerRegistration embedded;

    @BeforeEach
    void ensureDefaultSnapshot() {
        Snapshot s = snapshots.findByScopeAndName(Snapshot.GENERAL, DEFAULT).orElseThrow();
        if (s.getState() != SnapshotState.ACTIVE) {
            long size = builder.ensure(BaseImage.DEFAULT);
            embedded.refreshImages(); // as BaseImageService does: placement sees the image before the snapshot is active
            s.markActive(size, Instant.now());
            snapshots.save(s);
        }
    }
}
