package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.error.UnavailableException;
import dev.berth.core.error.UnprocessableException;
import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerLocks;
import dev.berth.server.runner.RunnerRegistry;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Creates a validated sandbox: records the row in {@code creating} (desired {@code started}), has the runner
 * create and start the container, and records {@code started} before answering, so the SDK does not poll.
 * If this process dies half-way, the reconciler finishes the create from the recorded row.
 */
@Component
public class CreateAction {

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final SandboxSpecs specs;
    private final QuotaGate quotas;
    private final RunnerLocks runnerLocks;

    public CreateAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, SandboxSpecs specs,
            QuotaGate quotas, RunnerLocks runnerLocks) {
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.specs = specs;
        this.quotas = quotas;
        this.runnerLocks = runnerLocks;
    }

    public Sandbox execute(Sandbox fresh) {
        var resources = new Resources(fresh.getCpu(), fresh.getMemoryGib(), fresh.getDiskGib());
        RunnerAdapter runner = runners.place(fresh.getTarget(), resources, fresh.getImageRef());
        if (resources.cpu() > runner.maxSandboxCpu()) {
            throw new UnprocessableException("cpu " + resources.cpu() + " is more than one sandbox "
                    + "can have on runner " + runner.runnerId() + " (its host has " + runner.maxSandboxCpu()
                    + " cores); request at most " + runner.maxSandboxCpu());
        }
        fresh.assignRunner(runner.runnerId());
        ReentrantLock lock = locks.of(fresh.getId());
        lock.lock();
        try {
            try {
                store.insert(fresh, () -> {
                    quotas.lockAndCheckCreate(fresh.getOrganizationId(), resources);
                    runnerLocks.lock(runner.runnerId());
                    if (!runners.admits(runner.runnerId(), resources)) {
                        throw new UnavailableException("runner " + runner.runnerId()
                                + " filled up while this sandbox was being placed; retry the request");
                    }
                });
            } catch (DataIntegrityViolationException e) {
                throw new ConflictException("a sandbox named '" + fresh.getName()
                        + "' already exists in this organization; choose another name or delete that one first");
            }
            try {
                runner.create(specs.of(fresh));
            } catch (BerthException e) {
                store.fail(fresh.getId(), ErrorKind.ACTION_FAILED, "create", "create failed: " + e.getMessage());
                throw e;
            }
            try {
                return store.move(fresh.getId(), SandboxState.STARTED, "create", null);
            } catch (ConflictException e) {
                Sandbox now = store.load(fresh.getId());
                if (now.getState() == SandboxState.STARTED) {
                    return now; // a reconciler saw the running container first
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Creates the container of a sandbox whose snapshot has just been built: placed now (the image exists now),
     * moved from building_snapshot to creating with its runner in one transaction, then created like any other.
     * Its quota was taken when its row was recorded.
     */
    public Sandbox executeBuilt(String sandboxId) {
        Sandbox s = store.load(sandboxId);
        if (s.getState() == SandboxState.PENDING_BUILD) {
            // the build finished before this sandbox was seen waiting for it
            s = store.move(sandboxId, SandboxState.BUILDING_SNAPSHOT, "build", null);
        }
        var resources = new Resources(s.getCpu(), s.getMemoryGib(), s.getDiskGib());
        RunnerAdapter runner = runners.place(s.getTarget(), resources, s.getImageRef());
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox placed = store.move(sandboxId, SandboxState.CREATING, "build", null, row -> {
                runnerLocks.lock(runner.runnerId());
                if (!runners.admits(runner.runnerId(), resources)) {
                    throw new UnavailableException("runner " + runner.runnerId() + " is full");
                }
                row.assignRunner(runner.runnerId());
            });
            try {
                runner.create(specs.of(placed));
            } catch (BerthException e) {
                store.fail(sandboxId, ErrorKind.ACTION_FAILED, "create", "create failed: " + e.getMessage());
                throw e;
            }
            return store.move(sandboxId, SandboxState.STARTED, "create", null);
        } finally {
            lock.unlock();
        }
    }

    /** Records a sandbox that waits in pending_build for its snapshot; its quota is taken now. */
    public Sandbox insertWaiting(Sandbox fresh) {
        var resources = new Resources(fresh.getCpu(), fresh.getMemoryGib(), fresh.getDiskGib());
        try {
            return store.insert(fresh, () -> quotas.lockAndCheckCreate(fresh.getOrganizationId(), resources));
        } catch (DataIntegrityViolationException e) {
            throw new ConflictException("a sandbox named '" + fresh.getName()
                    + "' already exists in this organization; choose another name or delete that one first");
        }
    }
}
