package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.Observation;
import dev.berth.core.sandbox.OrphanGrace;
import dev.berth.core.sandbox.ReconcileDecision;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.core.sandbox.SandboxView;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.engine.ContainerEvent;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The I/O half of reconciliation for the embedded runner: compares each live sandbox row with
 * what the engine observes and applies {@link SandboxReconcilePolicy}'s decision. Triggered by
 * the engine's container events (a died or removed container is reconciled at once; a restored
 * event stream means a full pass), with a periodic full pass as the safety net. A sandbox whose
 * action is running (its lock is held) or that another replica is reconciling (its lease is
 * held) is skipped; writes go through the compare-and-set store. Containers with this runner's
 * labels but no live row are removed after {@code orphan-grace}.
 */
@Component
public class SandboxReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SandboxReconciler.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration DIED_SETTLE = Duration.ofMillis(300);

    private final SandboxRepository repo;
    private final SandboxStore store;
    private final SandboxLocks locks;
    private final SandboxLease lease;
    private final RunnerRegistry runners;
    private final Clock clock;
    private final SandboxReconcilePolicy policy;
    private final OrphanGrace orphans;
    private final Duration interval;
    private final Duration orphanGrace;
    private ScheduledExecutorService loop;
    private AutoCloseable watch;

    public SandboxReconciler(SandboxRepository repo, SandboxStore store, SandboxLocks locks, SandboxLease lease,
            RunnerRegistry runners, BerthProperties props, Clock clock) {
        this.repo = repo;
        this.store = store;
        this.locks = locks;
        this.lease = lease;
        this.runners = runners;
        this.clock = clock;
        this.policy = new SandboxReconcilePolicy(props.reconciler().transitionTimeout());
        this.orphans = new OrphanGrace(props.reconciler().orphanGrace());
        this.interval = props.reconciler().interval();
        this.orphanGrace = props.reconciler().orphanGrace();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void begin() {
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-reconciler");
            t.setDaemon(true);
            return t;
        });
        runners.localRunner().ifPresent(runner ->
                watch = runner.engine().watch(SandboxRunner.LABEL_SANDBOX, ev -> onEngineEvent(runner, ev)));
        loop.scheduleWithFixedDelay(() -> safely(this::pass), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void onEngineEvent(SandboxRunner runner, ContainerEvent ev) {
        ScheduledExecutorService l = loop;
        if (l == null || l.isShutdown()) {
            return;
        }
        if (ev.kind() == ContainerEvent.Kind.STREAM_RESTORED) {
            // events may have been missed while the engine was away; orphans wait for the periodic pass
            l.execute(() -> safely(() -> runners.localRunner().ifPresent(this::reconcileRows)));
            return;
        }
        String id = ev.label(SandboxRunner.LABEL_SANDBOX);
        if (id != null && runner.runnerId().equals(ev.label(SandboxRunner.LABEL_RUNNER))) {
            // a removal is "die" then "destroy" within milliseconds: judge a death a moment later, so a
            // removed container is reported as removed rather than as killed
            long delay = ev.kind() == ContainerEvent.Kind.DESTROYED ? 0 : DIED_SETTLE.toMillis();
            l.schedule(() -> safely(() -> reconcile(id)), delay, TimeUnit.MILLISECONDS);
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("reconcile pass failed: {}", e.toString());
        }
    }

    /**
     * One pass over every live sandbox on the local runner, then its orphans, on the loop's thread
     * (after any event-triggered reconcile already queued), returning when it is done. For tests.
     */
    public void reconcileAll() {
        ScheduledExecutorService l = loop;
        if (l == null || l.isShutdown()) {
            pass();
            return;
        }
        try {
            l.submit(this::pass).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("reconcile pass failed: " + e.getCause(), e.getCause());
        }
    }

    private void pass() {
        runners.localRunner().ifPresent(runner -> {
            reconcileRows(runner);
            reapOrphans(runner);
        });
    }

    private void reconcileRows(SandboxRunner runner) {
        for (String id : repo.findLiveIdsOnRunner(runner.runnerId())) {
            reconcile(runner, id);
        }
    }

    /** Reconciles one sandbox now (e.g. after an engine event about its container). */
    public void reconcile(String sandboxId) {
        runners.localRunner().ifPresent(runner -> reconcile(runner, sandboxId));
    }

    private void reconcile(SandboxRunner runner, String id) {
        ReentrantLock lock = locks.of(id);
        if (!lock.tryLock()) {
            return;
        }
        try {
            lease.runExclusively(id, LEASE, () -> apply(runner, id));
        } catch (BerthException e) {
            log.warn("reconciling sandbox {} failed: {}", id, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void apply(SandboxRunner runner, String id) {
        Sandbox s = store.load(id);
        if (!runner.runnerId().equals(s.getRunnerId()) || !policy.needsObservation(s.getState())) {
            return; // another runner's sandbox, or a state no observation changes: no engine call
        }
        // in-process: the sandbox's lock (held above) is what keeps an action and this judgement apart
        ReconcileDecision d = policy.decide(SandboxView.of(s.getState(), s.getDesiredState(), s.getStateChangedAt()),
                Observation.inspected(runner.observe(id)), clock.instant());
        if (d.isNothing()) {
            return;
        }
        switch (d.command()) {
            case STOP_CONTAINER -> runner.stop(id);
            case REMOVE_CONTAINER -> runner.destroy(id);
            case NONE -> {
            }
        }
        if (d.moveTo() != null) {
            store.move(id, d.moveTo(), "reconciler", d.reason());
        }
    }

    /** Containers labelled for this runner whose sandbox has no live row. */
    private void reapOrphans(SandboxRunner runner) {
        Set<String> onEngine = new HashSet<>();
        runner.inventory().forEach((id, c) -> {
            if (id != null && runner.runnerId().equals(c.labels().get(SandboxRunner.LABEL_RUNNER))) {
                onEngine.add(id);
            }
        });
        if (onEngine.isEmpty()) {
            orphans.due(Set.of(), clock.instant());
            return;
        }
        Set<String> orphaned = new HashSet<>(onEngine);
        orphaned.removeAll(repo.findLiveIds(onEngine));
        List<String> due = orphans.due(orphaned, clock.instant());
        for (String id : due) {
            // re-checked under the sandbox's lock: a row recorded since the scan cancels the removal
            ReentrantLock lock = locks.of(id);
            if (!lock.tryLock()) {
                continue;
            }
            try {
                if (repo.findLiveIds(List.of(id)).isEmpty()) {
                    runner.destroy(id);
                    log.info("removed orphan container of sandbox {} (no live sandbox row for {} s)", id,
                            orphanGrace.toSeconds());
                }
                orphans.forget(id);
            } catch (BerthException e) {
                log.warn("removing orphan container of sandbox {} failed: {}", id, e.getMessage());
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                log.debug("closing the engine event watch: {}", e.toString());
            }
        }
        if (loop != null) {
            loop.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isShutdown();
    }
}
