package dev.berth.server.runner;

import dev.berth.protocol.runner.Heartbeat;
import dev.berth.protocol.runner.HeartbeatReply;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Heartbeats: record the runner's usage and health, and forward its inventory to the {@link SandboxObserver}
 * (the one sandbox reconciler judges it). A runner that was unresponsive is RECONCILING (unschedulable) until an
 * inventory of it has been judged, so its lost sandboxes come back truthfully before it takes new work. Runners
 * send a heartbeat at once when their engine reports a container event, so this is also how those events arrive.
 */
@Component
public class RunnerHeartbeats {

    private static final Logger log = LoggerFactory.getLogger(RunnerHeartbeats.class);

    private final RunnerRepository runners;
    private final JobQueue jobs;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SandboxObserver observer;

    public RunnerHeartbeats(RunnerRepository runners, JobQueue jobs, TransactionTemplate tx, Clock clock,
            SandboxObserver observer) {
        this.runners = runners;
        this.jobs = jobs;
        this.tx = tx;
        this.clock = clock;
        this.observer = observer;
    }

    void registered(String runnerId) {
        log.info("runner {} registered", runnerId);
    }

    public HeartbeatReply receive(String runnerId, Heartbeat hb) {
        Runner r = tx.execute(st -> {
            Runner x = runners.findById(runnerId).orElseThrow();
            x.heartbeat(hb.cpuUsage(), hb.memoryUsage(), hb.diskUsage(), hb.loadPerCore(), hb.sandboxCount(),
                    hb.engineHealthy(), clock.instant());
            x.recordImages(hb.images());
            if (x.getState() == RunnerState.UNRESPONSIVE) {
                x.markReconciling();
            }
            return runners.save(x);
        });
        if (r.getState() == RunnerState.PENDING) {
            return HeartbeatReply.REREGISTER;
        }
        if (r.getState() == RunnerState.RECONCILING) {
            // back after a gap (its control plane or itself was away): a job claimed by a poll whose answer was
            // lost would hold its sandbox until the job's timeout; jobs are idempotent, so hand them out again
            tx.executeWithoutResult(st -> jobs.requeueClaimed(runnerId));
        }
        if (hb.inventory() == null) {
            // the runner is alive but could not read its engine: no inventory is no evidence. Nothing is judged,
            // and a runner back after a gap stays RECONCILING (unschedulable) until an inventory arrives
            return HeartbeatReply.OK;
        }
        // a sandbox with a job in flight is busy: its job (bounded by the job's timeout) decides, not a guess
        Set<String> busy = jobs.inFlight(runnerId);
        observer.inventory(new RunnerInventory(runnerId, hb.inventory(), hb.observed() == null ? Map.of() : hb.observed(),
                busy, false));
        if (r.getState() == RunnerState.RECONCILING) {
            tx.executeWithoutResult(st -> runners.findById(runnerId).ifPresent(x -> {
                x.markReady();
                runners.save(x);
            }));
            log.info("runner {} reconciled after being unresponsive; schedulable again", runnerId);
        }
        return HeartbeatReply.OK;
    }
}
