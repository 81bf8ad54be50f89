package dev.berth.server.runner;

import dev.berth.core.sandbox.ReconcileDecision;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.core.sandbox.SandboxView;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.SandboxStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Marks runners that miss heartbeats {@code unresponsive} (excluded from placement) and, once a
 * runner has stayed lost long enough, reports its sandboxes as {@code error} with a reason saying
 * so. Idempotent, so every replica may run it.
 */
@Component
public class RunnerHealthMonitor {

    private static final Logger log = LoggerFactory.getLogger(RunnerHealthMonitor.class);

    private final RunnerRepository runners;
    private final SandboxRepository sandboxes;
    private final SandboxStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration unresponsiveAfter;
    private final Duration lostAfter;
    private final SandboxReconcilePolicy policy;

    public RunnerHealthMonitor(RunnerRepository runners, SandboxRepository sandboxes, SandboxStore store,
            TransactionTemplate tx, Clock clock,
            @Value("${berth.runners.unresponsive-after:10s}") Duration unresponsiveAfter,
            @Value("${berth.runners.lost-after:60s}") Duration lostAfter, BerthProperties props) {
        this.runners = runners;
        this.sandboxes = sandboxes;
        this.store = store;
        this.tx = tx;
        this.clock = clock;
        this.unresponsiveAfter = unresponsiveAfter;
        this.lostAfter = lostAfter;
        this.policy = new SandboxReconcilePolicy(props.reconciler().transitionTimeout());
    }

    @Scheduled(fixedDelay = 1000)
    public void check() {
        Instant now = clock.instant();
        for (Runner r : runners.findAll()) {
            if (r.isEmbedded() || r.getLastHeartbeatAt() == null) {
                continue;
            }
            if (r.getState() != RunnerState.UNRESPONSIVE
                    && r.getLastHeartbeatAt().plus(unresponsiveAfter).isBefore(now)) {
                tx.executeWithoutResult(st -> runners.findById(r.getId()).ifPresent(x -> {
                    x.markUnresponsive(now);
                    runners.save(x);
                }));
                log.warn("runner {} is unresponsive: no heartbeat since {}", r.getId(), r.getLastHeartbeatAt());
            } else if (r.getState() == RunnerState.UNRESPONSIVE && r.getUnresponsiveSince() != null
                    && r.getLastHeartbeatAt().plus(lostAfter).isBefore(now)) {
                markSandboxesLost(r);
            }
        }
    }

    /** Runs every tick while the runner stays lost: one query, and a write only where the decision asks for one. */
    private void markSandboxesLost(Runner r) {
        for (Sandbox s : sandboxes.findLiveOnRunner(r.getId())) {
            ReconcileDecision d = policy.runnerLost(SandboxView.of(s.getState(), s.getDesiredState(),
                    s.getStateChangedAt()), r.getId(), r.getLastHeartbeatAt());
            if (d.moveTo() == null) {
                continue;
            }
            try {
                store.move(s.getId(), d.moveTo(), "runner health", d.reason());
            } catch (RuntimeException e) {
                log.debug("could not mark {} lost: {}", s.getId(), e.getMessage());
            }
        }
    }
}
