package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.snapshot.SnapshotUsers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/** Sandboxes created from a Dockerfile follow their snapshot's build: waiting, building, then created or failed. */
@Component
public class SnapshotBuildWaiters implements SnapshotUsers {

    private static final Logger log = LoggerFactory.getLogger(SnapshotBuildWaiters.class);

    private final SandboxRepository repo;
    private final SandboxStore store;
    private final CreateAction create;

    public SnapshotBuildWaiters(SandboxRepository repo, SandboxStore store, @Lazy CreateAction create) {
        this.repo = repo;
        this.store = store;
        this.create = create;
    }

    @Override
    public long liveSandboxesUsing(String organizationId, String name, String snapshotId) {
        return repo.countLiveUsingSnapshot(organizationId, name, snapshotId);
    }

    @Override
    public java.util.List<String> awaitedSnapshots() {
        return repo.findAwaitedSnapshots();
    }

    @Override
    public void buildStarted(String snapshotId) {
        for (Sandbox w : repo.findWaitingForBuild(snapshotId)) {
            if (w.getState() == SandboxState.PENDING_BUILD) {
                try {
                    store.move(w.getId(), SandboxState.BUILDING_SNAPSHOT, "build", null);
                } catch (BerthException e) {
                    // deleted meanwhile
                }
            }
        }
    }

    @Override
    public void buildSucceeded(String snapshotId) {
        for (Sandbox w : repo.findWaitingForBuild(snapshotId)) {
            try {
                create.executeBuilt(w.getId());
            } catch (BerthException e) {
                log.info("sandbox {} built from snapshot {} could not be created: {}", w.getId(), snapshotId,
                        e.getMessage());
            }
        }
    }

    @Override
    public void buildFailed(String snapshotId, String reason) {
        for (Sandbox w : repo.findWaitingForBuild(snapshotId)) {
            try {
                store.move(w.getId(), SandboxState.BUILD_FAILED, "build", "the snapshot build failed: " + reason);
            } catch (BerthException e) {
                // deleted meanwhile
            }
        }
    }
}
