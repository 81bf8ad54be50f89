package dev.berth.server.runner;

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
    private final SandboxObserver observer;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration unresponsiveAfter;
    private final Duration lostAfter;
    private final JobQueue jobs;

    public RunnerHealthMonitor(RunnerRepository runners, SandboxObserver observer, TransactionTemplate tx, Clock clock,
            @Value("${berth.runners.unresponsive-after:10s}") Duration unresponsiveAfter,
            @Value("${berth.runners.lost-after:60s}") Duration lostAfter, JobQueue jobs) {
        this.jobs = jobs;
        this.runners = runners;
        this.observer = observer;
        this.tx = tx;
        this.clock = clock;
        this.unresponsiveAfter = unresponsiveAfter;
        this.lostAfter = lostAfter;
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
                int failed = jobs.failPending(r.getId(), "stopped answering (no heartbeat since "
                        + r.getLastHeartbeatAt() + ")");
                if (failed > 0) {
                    log.warn("runner {}: {} job(s) it had not taken failed", r.getId(), failed);
                }
            } else if (r.getState() == RunnerState.UNRESPONSIVE && r.getUnresponsiveSince() != null
                    && r.getLastHeartbeatAt().plus(lostAfter).isBefore(now)) {
                markSandboxesLost(r);
            }
        }
    }

    /** Every tick while the runner stays lost: the reconciler records it once per sandbox. */
    private void markSandboxesLost(Runner r) {
        observer.runnerSilent(r.getId(), r.getLastHeartbeatAt());
    }
}
