package dev.berth.server.sandbox;

import dev.berth.core.error.ConflictException;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.SandboxState;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Recovers a sandbox lost with its runner (or whose container vanished) from its last backup: the backup becomes the
 * sandbox's archive (it is {@code archived}, on no runner), and the sandbox is restored from it on any suitable runner
 * like a start of an archived sandbox. What the sandbox changed after its last backup is lost (the documented loss
 * window is the backup interval). If the old runner returns, its container is an orphan and is removed.
 */
@Component
public class RecoverAction {

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RestoreAction restore;
    private final Clock clock;

    public RecoverAction(SandboxStore store, SandboxLocks locks, RestoreAction restore, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.restore = restore;
        this.clock = clock;
    }

    /** Whether {@code recover} can bring the sandbox back (the DTO's {@code recoverable}). */
    public static boolean recoverable(Sandbox s) {
        return s.getState() == SandboxState.ERROR && s.getBackupImage() != null
                && (s.getErrorKind() == ErrorKind.RUNNER_LOST || s.getErrorKind() == ErrorKind.CONTAINER_REMOVED);
    }

    public Sandbox execute(String sandboxId) {
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            if (s.getState() == SandboxState.ARCHIVED && s.getArchiveImage() != null
                    && s.getArchiveImage().equals(s.getBackupImage())) {
                return restore.execute(sandboxId); // a recover whose restore failed before: try the restore again
            }
            if (!recoverable(s)) {
                throw new ConflictException("sandbox '" + s.getName() + "' is not recoverable: " + (s.getState()
                        != SandboxState.ERROR ? "it is '" + s.getState().wireName() + "', not in error"
                        : s.getBackupImage() == null ? "it has no backup (backups are taken every "
                                + "berth.lifecycle.backup-interval of a running sandbox; off by default)"
                        : "its error (" + (s.getErrorKind() == null ? "unknown" : s.getErrorKind().wireName())
                                + ") did not lose its container; start it instead"));
            }
            String backup = s.getBackupImage();
            store.move(sandboxId, SandboxState.ARCHIVED, "recover", null, x -> {
                x.archiveAs(backup, clock.instant());
                x.desire(DesiredState.STARTED, clock.instant());
                x.explainState("recovered from its backup of " + x.getBackupAt());
            });
            return restore.execute(sandboxId);
        } finally {
            lock.unlock();
        }
    }
}
