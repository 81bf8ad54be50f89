package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.error.EngineException;
import dev.berth.core.error.IllegalTransitionException;
import dev.berth.core.sandbox.ArchiveImage;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.core.sandbox.SandboxTransitions;
import dev.berth.server.registry.SnapshotRegistry;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Archives a stopped sandbox: its runner commits the container's writable layer as one layer over the image it runs
 * on and pushes it to the registry as the sandbox's own {@link ArchiveImage}; once the registry shows that image with
 * every blob, the container, its files and the local image go from the runner and the sandbox is {@code archived}
 * with no runner. A failure before that point leaves the sandbox {@code stopped} and unchanged on its runner. Not a
 * {@link SandboxAction}: it talks to the registry between two runner calls and ends with the runner unassigned.
 */
@Component
public class ArchiveAction {

    private static final Logger log = LoggerFactory.getLogger(ArchiveAction.class);
    private static final String VERB = "archive";

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final SnapshotRegistry registry;
    private final Clock clock;

    public ArchiveAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, SnapshotRegistry registry,
            Clock clock) {
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.registry = registry;
        this.clock = clock;
    }

    public Sandbox execute(String sandboxId) {
        return executeFor(sandboxId, VERB, null, null);
    }

    /**
     * As {@link #execute} on behalf of a lifecycle policy: {@code trigger} in the log, {@code reason} on the sandbox,
     * refused unless {@code stillDue} holds under the lock and when the archive is recorded.
     */
    public Sandbox executeFor(String sandboxId, String trigger, String reason,
            java.util.function.Predicate<Sandbox> stillDue) {
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            SandboxAction.checkStillDue(stillDue, s, VERB);
            if (s.getState() == SandboxState.ARCHIVED) {
                return s;
            }
            if (s.getState() == SandboxState.STARTED) {
                throw new IllegalTransitionException("cannot archive sandbox '" + s.getName() + "': it is 'started'; "
                        + "stop it first (an archive keeps a stopped sandbox's files, not its processes)");
            }
            SandboxTransitions.check(s.getState(), SandboxState.ARCHIVING, VERB);
            RunnerAdapter runner = runners.byId(s.getRunnerId());
            runner.ensureReachable();
            String previous = s.getArchiveImage();
            ArchiveImage image = ArchiveImage.next(sandboxId, clock.instant());
            store.move(sandboxId, SandboxState.ARCHIVING, trigger, null, x -> {
                x.desire(DesiredState.ARCHIVED, clock.instant());
                SandboxAction.checkStillDue(stillDue, x, VERB);
                x.explainState(reason);
                x.archiveAs(image.ref(), clock.instant());
            });
            // the image the container runs on is in the registry: its layers are linked, not pushed again
            String base = previous != null ? previous : s.getImageRef();
            RegistryCleanup.bestEffort("archive", () -> registry.mountInto(base, image.repository()),
                    "link the layers of " + base);
            pushAndVerify(sandboxId, runner, image, previous);
            removeFromRunner(sandboxId, runner, image, previous);
            Sandbox archived = recordArchived(sandboxId);
            if (previous != null && !previous.equals(image.ref())) {
                // the new archive holds the files; the blobs they share stay (the new manifest refers to them)
                RegistryCleanup.bestEffort("archive", () -> registry.delete(previous),
                        "delete the earlier archive " + previous);
            }
            return archived;
        } finally {
            lock.unlock();
        }
    }

    /** Commit and push on the runner, then the registry's word; on failure, back to stopped as it was. */
    private void pushAndVerify(String sandboxId, RunnerAdapter runner, ArchiveImage image, String previous) {
        long t0 = System.nanoTime();
        try {
            runner.commit(sandboxId, image.ref());
            var layers = registry.verify(image.ref());
            log.info("sandbox {} archived as {} ({} layers, top {} bytes) in {} ms", sandboxId, image, layers.size(),
                    layers.get(layers.size() - 1).size(), (System.nanoTime() - t0) / 1_000_000);
        } catch (BerthException e) {
            RegistryCleanup.bestEffort("archive", () -> registry.delete(image.ref()),
                    "delete the unfinished archive " + image);
            RegistryCleanup.bestEffort("archive", () -> runner.removeImage(image.ref()),
                    "remove the unfinished archive's local image");
            store.move(sandboxId, SandboxState.STOPPED, VERB, "archive failed: " + e.getMessage() + "; the sandbox is "
                    + "unchanged on its runner: archive it again", x -> {
                        x.desire(DesiredState.STOPPED, clock.instant());
                        x.archiveAs(previous, clock.instant());
                    });
            throw e;
        }
    }

    /**
     * Claims the verified archive on the row first (a write that a reconciler's decision made on an older row loses
     * to, and that fails if one already moved it), then removes the container, its files and the images it left.
     */
    private void removeFromRunner(String sandboxId, RunnerAdapter runner, ArchiveImage image, String previous) {
        store.update(sandboxId, x -> {
            if (x.getState() != SandboxState.ARCHIVING) {
                throw new ConflictException("sandbox " + sandboxId + " left 'archiving' (now '" + x.getState().wireName()
                        + "') while its archive was pushed; it keeps its container; archive it again");
            }
            x.archiveAs(image.ref(), clock.instant());
        });
        try {
            runner.destroy(sandboxId);
        } catch (BerthException e) {
            // the archive is stored and recorded: the reconciler finishes (container gone) or reverts (still there)
            throw new EngineException("the archive " + image + " is stored, but removing the sandbox from runner "
                    + runner.runnerId() + " failed: " + e.getMessage() + "; the sandbox stays 'archiving' until the "
                    + "reconciler settles it", e);
        }
        RegistryCleanup.bestEffort("archive", () -> runner.removeImage(image.ref()),
                "remove the archive's local image");
        if (previous != null && !previous.equals(image.ref())) {
            RegistryCleanup.bestEffort("archive", () -> runner.removeImage(previous),
                    "remove the restored image " + previous);
        }
    }

    private Sandbox recordArchived(String sandboxId) {
        try {
            return store.move(sandboxId, SandboxState.ARCHIVED, VERB, null);
        } catch (ConflictException e) {
            Sandbox now = store.load(sandboxId);
            if (now.getState() == SandboxState.ARCHIVED) {
                return now; // a reconciler saw the container gone and recorded it first
            }
            throw e;
        }
    }
}
