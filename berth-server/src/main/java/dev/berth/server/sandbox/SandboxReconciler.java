package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.ReconcileDecision;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.runner.SandboxRunner;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.time.Duration;
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
 * The I/O half of reconciliation: periodically compares each live sandbox row with what its
 * runner observes and applies {@link SandboxReconcilePolicy}'s decision. A sandbox whose action
 * is running (its lock is held) is skipped; writes go through the compare-and-set store.
 */
@Component
public class SandboxReconciler implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SandboxReconciler.class);

    private final SandboxRepository repo;
    private final SandboxStore store;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final Clock clock;
    private final SandboxReconcilePolicy policy;
    private final Duration interval;
    private ScheduledExecutorService loop;

    public SandboxReconciler(SandboxRepository repo, SandboxStore store, SandboxLocks locks, RunnerRegistry runners,
            BerthProperties props, Clock clock) {
        this.repo = repo;
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.clock = clock;
        this.policy = new SandboxReconcilePolicy(props.reconciler().transitionTimeout());
        this.interval = props.reconciler().interval();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void begin() {
        loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-reconciler");
            t.setDaemon(true);
            return t;
        });
        loop.scheduleWithFixedDelay(this::reconcileAllSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconcileAllSafely() {
        try {
            reconcileAll();
        } catch (RuntimeException e) {
            log.warn("reconcile pass failed: {}", e.toString());
        }
    }

    /** One pass over every live sandbox on the local runner. Public for tests that drive it directly. */
    public void reconcileAll() {
        runners.localRunner().ifPresent(runner -> {
            for (String id : repo.findLiveIdsOnRunner(runner.runnerId())) {
                reconcile(runner, id);
            }
        });
    }

    private void reconcile(SandboxRunner runner, String id) {
        ReentrantLock lock = locks.of(id);
        if (!lock.tryLock()) {
            return;
        }
        try {
            Sandbox s = store.load(id);
            ObservedSandbox seen = runner.observe(id);
            Duration inState = Duration.between(s.getStateChangedAt(), clock.instant());
            ReconcileDecision d = policy.decide(s.getState(), s.getDesiredState(), seen.status(), seen.exitCode(),
                    seen.oomKilled(), inState, false);
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
        } catch (BerthException e) {
            log.warn("reconciling sandbox {} failed: {}", id, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void start() {
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null && !loop.isShutdown();
    }
}
