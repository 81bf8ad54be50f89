package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.ArchiveImage;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.registry.SnapshotRegistry;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Backs up a running sandbox: its runner commits the container's file system changes (the engine pauses the container
 * for the commit) and pushes them to the sandbox's own repository in the registry as a new {@link ArchiveImage}
 * backup tag; once the registry shows it complete it is recorded on the sandbox and the previous backup is deleted.
 * Memory and processes are not part of a backup. A failed backup changes nothing and is retried at the next interval.
 */
@Component
public class BackupAction {

    private static final Logger log = LoggerFactory.getLogger(BackupAction.class);

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final SnapshotRegistry registry;
    private final Clock clock;

    public BackupAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, SnapshotRegistry registry,
            Clock clock) {
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.registry = registry;
        this.clock = clock;
    }

    /** False when the sandbox was busy with another action or not running (nothing is done then). */
    public boolean execute(String sandboxId) {
        ReentrantLock lock = locks.of(sandboxId);
        if (!lock.tryLock()) {
            return false; // a user's action on it is running: the next interval tries again
        }
        try {
            Sandbox s = store.load(sandboxId);
            if (s.getState() != SandboxState.STARTED || s.getRunnerId() == null) {
                return false;
            }
            var runner = runners.byId(s.getRunnerId());
            runner.ensureReachable();
            ArchiveImage image = ArchiveImage.backup(sandboxId, clock.instant());
            long t0 = System.nanoTime();
            try {
                runner.commit(sandboxId, image.ref());
                registry.verify(image.ref());
            } catch (BerthException e) {
                RegistryCleanup.bestEffort("backup", () -> registry.delete(image.ref()),
                        "delete the unfinished backup " + image);
                throw e;
            } finally {
                RegistryCleanup.bestEffort("backup", () -> runner.removeImage(image.ref()),
                        "remove the backup's local image");
            }
            String previous = s.getBackupImage();
            store.update(sandboxId, x -> x.recordBackup(image.ref(), clock.instant()));
            if (previous != null && !previous.equals(image.ref())) {
                RegistryCleanup.bestEffort("backup", () -> registry.delete(previous),
                        "delete the previous backup " + previous);
            }
            log.info("sandbox {} backed up as {} in {} ms", sandboxId, image, (System.nanoTime() - t0) / 1_000_000);
            return true;
        } finally {
            lock.unlock();
        }
    }
}
