package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.ArchiveImage;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.registry.SnapshotRegistry;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Deletes a sandbox: its container and files on its runner (an archived one has none), and its archives in the
 * registry. The archives go first, before anything is recorded: a registry that does not answer refuses the
 * delete and changes nothing, instead of leaving a sandbox's files behind unaccounted.
 */
@Component
public class DestroyAction extends SandboxAction {

    private static final Logger log = LoggerFactory.getLogger(DestroyAction.class);

    private final SandboxLocks locks;
    private final SnapshotRegistry registry;

    public DestroyAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock,
            SnapshotRegistry registry) {
        super(store, locks, runners, clock);
        this.locks = locks;
        this.registry = registry;
    }

    @Override
    public Sandbox execute(String sandboxId) {
        return withArchivesDeleted(sandboxId, null, () -> super.execute(sandboxId));
    }

    /** A lifecycle policy's delete (ttl, auto-delete, ephemeral): its archives and backups go too. */
    @Override
    public Sandbox executeFor(String sandboxId, String trigger, String reason,
            java.util.function.Predicate<Sandbox> stillDue) {
        return withArchivesDeleted(sandboxId, stillDue, () -> super.executeFor(sandboxId, trigger, reason, stillDue));
    }

    private Sandbox withArchivesDeleted(String sandboxId, java.util.function.Predicate<Sandbox> stillDue,
            java.util.function.Supplier<Sandbox> delete) {
        ReentrantLock lock = locks.of(sandboxId); // reentrant: the delete below takes it again
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            checkStillDue(stillDue, s, "delete"); // before its archives go
            String image = s.getArchiveImage() != null ? s.getArchiveImage() : s.getBackupImage();
            if (image != null && s.getState() != SandboxState.DESTROYED) {
                // every tag of its own repository (archives and backups): also an interrupted archive's, which the
                // row no longer names
                registry.deleteRepository(ArchiveImage.parse(image).repository());
            }
            return delete.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected String verb() {
        return "delete";
    }

    @Override
    protected DesiredState desired() {
        return DesiredState.DESTROYED;
    }

    @Override
    protected SandboxState inFlight() {
        return SandboxState.DESTROYING;
    }

    @Override
    protected SandboxState done() {
        return SandboxState.DESTROYED;
    }

    @Override
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        runner.destroy(sandbox.getId());
        if (sandbox.getArchiveImage() != null) {
            // a restored sandbox's container ran on its archive image, which nothing else uses
            try {
                runner.removeImage(sandbox.getArchiveImage());
            } catch (BerthException e) {
                log.warn("delete of sandbox {}: could not remove image {} from runner {}: {}", sandbox.getId(),
                        sandbox.getArchiveImage(), runner.runnerId(), e.getMessage());
            }
        }
    }
}
