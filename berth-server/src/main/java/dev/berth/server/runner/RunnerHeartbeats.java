package dev.berth.server.runner;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.runner.Heartbeat;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxLocks;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.SandboxStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Heartbeats: record usage, and compare the runner's inventory with the database. A runner that
 * was unresponsive is reconciled (its lost sandboxes come back truthfully) before it is READY
 * for new work again.
 */
@Component
public class RunnerHeartbeats {

    public static final String LOST = "runner lost";
    private static final Duration OBSERVATION_GRACE = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(RunnerHeartbeats.class);

    private final RunnerRepository runners;
    private final SandboxRepository sandboxes;
    private final SandboxStore store;
    private final SandboxLocks locks;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SandboxReconcilePolicy policy;

    public RunnerHeartbeats(RunnerRepository runners, SandboxRepository sandboxes, SandboxStore store, SandboxLocks locks,
            TransactionTemplate tx, Clock clock, BerthProperties props) {
        this.runners = runners;
        this.sandboxes = sandboxes;
        this.store = store;
        this.locks = locks;
        this.tx = tx;
        this.clock = clock;
        this.policy = new SandboxReconcilePolicy(props.reconciler().transitionTimeout());
    }

    void registered(String runnerId) {
        log.info("runner {} registered", runnerId);
    }

    public Map<String, Object> receive(String runnerId, Heartbeat hb) {
        Runner r = tx.execute(st -> {
            Runner x = runners.findById(runnerId).orElseThrow();
            x.heartbeat(hb.cpuUsage(), hb.memoryUsage(), hb.diskUsage(), hb.loadPerCore(), hb.sandboxCount(),
                    hb.engineHealthy(), clock.instant());
            if (x.getState() == RunnerState.UNRESPONSIVE) {
                x.markReconciling();
            }
            return runners.save(x);
        });
        if (r.getState() == RunnerState.PENDING) {
            return Map.of("reregister", true);
        }
        reconcile(runnerId, hb.inventory() == null ? Map.of() : hb.inventory());
        if (r.getState() == RunnerState.RECONCILING) {
            tx.executeWithoutResult(st -> runners.findById(runnerId).ifPresent(x -> {
                x.markReady();
                runners.save(x);
            }));
            log.info("runner {} reconciled after being unresponsive; schedulable again", runnerId);
        }
        return Map.of("reregister", false);
    }

    private void reconcile(String runnerId, Map<String, ContainerStatus> inventory) {
        for (String id : sandboxes.findLiveIdsOnRunner(runnerId)) {
            ReentrantLock lock = locks.of(id);
            if (!lock.tryLock()) {
                continue;
            }
            try {
                Sandbox s = store.load(id);
                ContainerStatus seen = inventory.getOrDefault(id, ContainerStatus.MISSING);
                if (s.getState() == SandboxState.ERROR && s.getErrorReason() != null && s.getErrorReason().startsWith(LOST)) {
                    recoverLost(s, seen);
                    continue;
                }
                // an inventory is a snapshot taken before it arrived: never judge a change younger than it
                if (Duration.between(s.getStateChangedAt(), clock.instant()).compareTo(OBSERVATION_GRACE) < 0) {
                    continue;
                }
                var d = policy.decide(s.getState(), s.getDesiredState(), seen, seen == ContainerStatus.EXITED ? 0 : null,
                        false, Duration.between(s.getStateChangedAt(), clock.instant()), false);
                if (d.moveTo() != null && d.command() == dev.berth.core.sandbox.ReconcileDecision.RunnerCommand.NONE) {
                    store.move(id, d.moveTo(), "runner heartbeat", d.reason());
                }
            } catch (BerthException e) {
                log.warn("reconciling sandbox {} on runner {} failed: {}", id, runnerId, e.getMessage());
            } finally {
                lock.unlock();
            }
        }
    }

    private void recoverLost(Sandbox s, ContainerStatus seen) {
        switch (seen) {
            case RUNNING -> store.move(s.getId(), SandboxState.STARTED, "runner returned", null);
            case EXITED, CREATED -> store.move(s.getId(), SandboxState.STOPPED, "runner returned", null);
            case MISSING -> store.move(s.getId(), SandboxState.ERROR, "runner returned",
                    "the runner came back but the sandbox's container is gone");
        }
    }
}
