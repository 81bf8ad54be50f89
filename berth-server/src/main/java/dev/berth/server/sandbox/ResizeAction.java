package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerLocks;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * Resizes a started or stopped sandbox: the new size is checked against the server's bounds, the organization's quota
 * (only what grows; cpu and memory count while it runs) and its runner's free capacity, recorded with
 * {@code resizing} (so concurrent placements see it), then applied to the container through the engine, live when it
 * runs (a stopped one starts with it). A runner that cannot apply it leaves the sandbox as it was, with its old size.
 * Disk is recorded and counted like a create's, not enforced where the engine cannot (overlay2 on ext4).
 */
@Component
public class ResizeAction {

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final RunnerLocks runnerLocks;
    private final QuotaGate quotas;
    private final SandboxService sandboxes;
    private final Clock clock;

    public ResizeAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, RunnerLocks runnerLocks,
            QuotaGate quotas, SandboxService sandboxes, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.runnerLocks = runnerLocks;
        this.quotas = quotas;
        this.sandboxes = sandboxes;
        this.clock = clock;
    }

    /** The request's fields; null = keep. */
    public record Request(Integer cpu, Integer memory, Integer disk, Integer gpu) {
    }

    public Sandbox execute(String sandboxId, Request req) {
        if (req == null || (req.cpu() == null && req.memory() == null && req.disk() == null)) {
            throw new InvalidRequestException("give at least one of cpu, memory (GiB) and disk (GiB), e.g. {\"cpu\":2}");
        }
        if (req.gpu() != null && req.gpu() > 0) {
            throw new InvalidRequestException("gpu: this Berth installation has no GPUs");
        }
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            SandboxState was = s.getState();
            if (was != SandboxState.STARTED && was != SandboxState.STOPPED) {
                throw new ConflictException("cannot resize sandbox '" + s.getName() + "': it is '" + was.wireName()
                        + "'; a started or stopped sandbox can be resized");
            }
            Resources from = new Resources(s.getCpu(), s.getMemoryGib(), s.getDiskGib());
            Resources to = sandboxes.limits().resolve(req.cpu() == null ? from.cpu() : req.cpu(),
                    req.memory() == null ? from.memoryGiB() : req.memory(), req.disk() == null ? from.diskGiB() : req.disk());
            if (to.equals(from)) {
                return s;
            }
            RunnerAdapter runner = runners.byId(s.getRunnerId());
            runner.ensureReachable();
            runner.ensureSupports(dev.berth.core.sandbox.RunnerCommand.RESIZE);
            if (to.cpu() > runner.maxSandboxCpu()) {
                throw new dev.berth.core.error.UnprocessableException("cpu " + to.cpu() + " is more than one sandbox can "
                        + "have on runner " + runner.runnerId() + " (its host has " + runner.maxSandboxCpu() + " cores)");
            }
            boolean running = was == SandboxState.STARTED;
            DesiredState desired = s.getDesiredState();
            store.move(sandboxId, SandboxState.RESIZING, "resize", null, x -> {
                quotas.lockAndCheckResize(x.getOrganizationId(), from, to, running);
                runnerLocks.lock(runner.runnerId());
                var shortfall = runners.resizeShortfall(runner.runnerId(), from, to);
                if (!shortfall.isEmpty()) {
                    throw new ConflictException("runner " + runner.runnerId() + " has no room for this resize ("
                            + String.join("; ", shortfall) + "); resize less, or stop or delete sandboxes there");
                }
                x.desire(DesiredState.RESIZED, clock.instant());
                x.resize(to, clock.instant());
            });
            try {
                runner.resize(sandboxId, to);
            } catch (BerthException e) {
                // the engine kept the old limits: so does the record
                store.move(sandboxId, was, "resize", null, x -> {
                    x.resize(from, clock.instant());
                    x.desire(desired, clock.instant());
                });
                throw e;
            }
            try {
                return store.move(sandboxId, was, "resize", null, x -> x.desire(desired, clock.instant()));
            } catch (ConflictException e) {
                Sandbox now = store.load(sandboxId);
                if (now.getState() == was) {
                    return now; // the reconciler recorded it first
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
