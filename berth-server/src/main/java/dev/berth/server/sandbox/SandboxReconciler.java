package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.Observation;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerInventory;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.runner.SandboxObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The one sandbox reconciler. Every observation of every runner arrives here as a {@link SandboxObserver}
 * call (the embedded engine's events and listings, remote runners' heartbeat inventories, the runner-health
 * verdict) and becomes one {@link Observation} per sandbox for {@link SandboxReconcileStep}; orphans are reaped
 * from every inventory by {@link OrphanReaper}. A decision's "look again" is honoured here for runners whose
 * engine the control plane inspects itself; a remote runner's next heartbeat is its next look.
 */
@Component
public class SandboxReconciler implements SandboxObserver, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SandboxReconciler.class);

    private final SandboxRepository repo;
    private final RunnerRegistry runners;
    private final SandboxReconcileStep step;
    private final OrphanReaper orphans;
    // made at every start: a stopped context (a paused test context, say) may be started again
    private volatile ScheduledExecutorService later;
    private final WarmPools pools;
    private final Lifecycle lifecycle;

    public SandboxReconciler(SandboxRepository repo, RunnerRegistry runners, SandboxReconcileStep step,
            OrphanReaper orphans, @org.springframework.context.annotation.Lazy WarmPools pools,
            @org.springframework.context.annotation.Lazy Lifecycle lifecycle) {
        this.pools = pools;
        this.lifecycle = lifecycle;
        this.repo = repo;
        this.runners = runners;
        this.step = step;
        this.orphans = orphans;
        this.later = newExecutor();
    }

    @Override
    public void inventory(RunnerInventory inventory) {
        RunnerAdapter runner = runners.byId(inventory.runnerId());
        for (String id : repo.findLiveIdsOnRunner(inventory.runnerId())) {
            if (inventory.live()) {
                look(runner, id, false);
            } else {
                step.run(runner, id, () -> Observation.inventory(inventory.statusOf(id), inventory.detail().get(id)),
                        inventory.busy().contains(id));
            }
        }
        orphans.reap(runner, inventory);
        pools.sweep(); // pool replenishment is part of the sweep: shortfalls, surplus, failures, deleted pools
        lifecycle.sweep(); // and the lifecycle policies, when due: idle stops and pauses, archives, deletes, ttl
    }

    @Override
    public void containerChanged(String runnerId, String sandboxId) {
        submit(() -> look(runners.byId(runnerId), sandboxId, true), Duration.ZERO);
    }

    @Override
    public void runnerSilent(String runnerId, Instant lastHeartbeat) {
        RunnerAdapter runner = runners.byId(runnerId);
        for (String id : repo.findLiveIdsOnRunner(runnerId)) {
            step.run(runner, id, () -> new Observation.RunnerSilent(runnerId, lastHeartbeat), false);
        }
    }

    /** Inspects the sandbox's container now and reconciles; schedules the next look the decision asks for. */
    private void look(RunnerAdapter runner, String id, boolean afterEvent) {
        Duration again = step.run(runner, id, () -> {
            ObservedSandbox o = runner.inspectNow(id).orElseThrow();
            return afterEvent ? Observation.afterEngineEvent(o) : Observation.inspected(o);
        }, false);
        if (again != null) {
            submit(() -> look(runner, id, false), again);
        }
    }

    private void submit(Runnable work, Duration delay) {
        if (later.isShutdown()) {
            return;
        }
        later.schedule(() -> {
            try {
                work.run();
            } catch (BerthException | IllegalStateException e) {
                log.warn("reconcile failed: {}", e.toString());
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * One pass over every live sandbox on the embedded runner, then its orphans, on the reconciler's thread
     * (after any event-triggered look already queued), returning when it is done. For tests.
     */
    public void reconcileAll() {
        try {
            later.submit(() -> runners.localInventory().ifPresent(this::inventory)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("reconcile pass failed: " + e.getCause(), e.getCause());
        }
    }

    private static ScheduledExecutorService newExecutor() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-reconciler");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized void start() {
        if (later.isShutdown()) {
            later = newExecutor();
        }
    }

    @Override
    public synchronized void stop() {
        later.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return !later.isShutdown();
    }
}
