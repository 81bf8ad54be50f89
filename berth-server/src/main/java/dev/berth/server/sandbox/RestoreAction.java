package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.error.UnavailableException;
import dev.berth.core.error.UnprocessableException;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.core.sandbox.SandboxTransitions;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerLocks;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The start of an archived sandbox: placed like a create on any runner that fits, its quota checked like a start's,
 * recorded {@code restoring} on that runner, its container created from its archive image (the runner pulls it from
 * the registry) with the sandbox's own spec, then {@code started}. A restore that fails removes what it made on the
 * runner and goes back to {@code archived}: the archive is never touched, so a later start tries again.
 */
@Component
public class RestoreAction {

    private static final Logger log = LoggerFactory.getLogger(RestoreAction.class);
    private static final String VERB = "restore";

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final RunnerLocks runnerLocks;
    private final SandboxSpecs specs;
    private final QuotaGate quotas;
    private final Clock clock;

    public RestoreAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, RunnerLocks runnerLocks,
            SandboxSpecs specs, QuotaGate quotas, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.runnerLocks = runnerLocks;
        this.specs = specs;
        this.quotas = quotas;
        this.clock = clock;
    }

    public Sandbox execute(String sandboxId) {
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            if (s.getState() == SandboxState.STARTED) {
                return s;
            }
            SandboxTransitions.check(s.getState(), SandboxState.RESTORING, "start");
            if (s.getArchiveImage() == null) {
                throw new ConflictException("sandbox '" + s.getName() + "' is 'archived' but has no archive image "
                        + "recorded; its files cannot be restored: delete it");
            }
            var resources = new Resources(s.getCpu(), s.getMemoryGib(), s.getDiskGib());
            RunnerAdapter runner = runners.place(s.getTarget(), resources, s.getArchiveImage());
            if (resources.cpu() > runner.maxSandboxCpu()) {
                throw new UnprocessableException("cpu " + resources.cpu() + " is more than one sandbox can have on "
                        + "runner " + runner.runnerId() + " (its host has " + runner.maxSandboxCpu() + " cores)");
            }
            Sandbox placed = store.move(sandboxId, SandboxState.RESTORING, VERB, null, x -> {
                quotas.lockAndCheckStart(x.getOrganizationId(), resources);
                runnerLocks.lock(runner.runnerId());
                if (!runners.admits(runner.runnerId(), resources)) {
                    throw new UnavailableException("runner " + runner.runnerId()
                            + " filled up while this sandbox was being placed; start it again");
                }
                x.assignRunner(runner.runnerId());
                x.desire(DesiredState.STARTED, clock.instant());
            });
            long t0 = System.nanoTime();
            try {
                runner.create(specs.of(placed));
            } catch (BerthException e) {
                undo(sandboxId, runner, e);
                throw e;
            }
            log.info("sandbox {} restored from {} on runner {} in {} ms", sandboxId, placed.getArchiveImage(),
                    runner.runnerId(), (System.nanoTime() - t0) / 1_000_000);
            try {
                return store.move(sandboxId, SandboxState.STARTED, VERB, null);
            } catch (ConflictException e) {
                Sandbox now = store.load(sandboxId);
                if (now.getState() == SandboxState.STARTED) {
                    return now; // a reconciler saw the running container first
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes what the failed create left on the runner and records the sandbox archived again, with why. */
    private void undo(String sandboxId, RunnerAdapter runner, BerthException cause) {
        try {
            runner.destroy(sandboxId);
            runner.removeImage(store.load(sandboxId).getArchiveImage());
        } catch (BerthException e) {
            log.warn("restore of sandbox {}: could not clean up runner {}: {}", sandboxId, runner.runnerId(),
                    e.getMessage());
        }
        store.move(sandboxId, SandboxState.ARCHIVED, VERB, "restore on runner " + runner.runnerId() + " failed: "
                + cause.getMessage() + "; the archive is kept: start the sandbox again", x -> x.desire(DesiredState.ARCHIVED,
                        clock.instant()));
    }
}
