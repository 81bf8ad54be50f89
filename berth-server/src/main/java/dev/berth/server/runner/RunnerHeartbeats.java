package dev.berth.server.runner;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.sandbox.OrphanGrace;
import dev.berth.core.sandbox.Observation;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.core.sandbox.SandboxView;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.runner.Heartbeat;
import dev.berth.protocol.runner.JobType;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxLease;
import dev.berth.server.sandbox.SandboxLocks;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.SandboxStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Heartbeats: record usage, and compare the runner's inventory with the database. A runner that
 * was unresponsive is reconciled (its lost sandboxes come back truthfully) before it is READY
 * for new work again. Runner work a decision needs (stop, remove) and the removal of orphan
 * containers (Berth labels, no live row, for longer than the grace) are queued as jobs without
 * waiting; the next heartbeat's inventory shows the outcome. Runners send a heartbeat at once
 * when their engine reports a container event, so this is also how those events arrive.
 */
@Component
public class RunnerHeartbeats {

    private static final Logger log = LoggerFactory.getLogger(RunnerHeartbeats.class);
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final RunnerRepository runners;
    private final SandboxRepository sandboxes;
    private final SandboxStore store;
    private final SandboxLocks locks;
    private final SandboxLease lease;
    private final JobQueue jobs;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final SandboxReconcilePolicy policy;
    private final Duration orphanGrace;
    private final Map<String, OrphanGrace> orphans = new ConcurrentHashMap<>();

    public RunnerHeartbeats(RunnerRepository runners, SandboxRepository sandboxes, SandboxStore store, SandboxLocks locks,
            SandboxLease lease, JobQueue jobs, TransactionTemplate tx, Clock clock, BerthProperties props) {
        this.runners = runners;
        this.sandboxes = sandboxes;
        this.store = store;
        this.locks = locks;
        this.lease = lease;
        this.jobs = jobs;
        this.tx = tx;
        this.clock = clock;
        this.policy = new SandboxReconcilePolicy(props.reconciler().transitionTimeout());
        this.orphanGrace = props.reconciler().orphanGrace();
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
        if (r.getState() == RunnerState.RECONCILING) {
            // back after a gap (its control plane or itself was away): a job claimed by a poll whose answer was
            // lost would hold its sandbox until the job's timeout; jobs are idempotent, so hand them out again
            tx.executeWithoutResult(st -> jobs.requeueClaimed(runnerId));
        }
        if (hb.inventory() == null) {
            // the runner is alive but could not read its engine: no inventory is no evidence. Nothing is judged,
            // and a runner back after a gap stays RECONCILING (unschedulable) until an inventory arrives
            return Map.of("reregister", false);
        }
        Map<String, ContainerStatus> inventory = hb.inventory();
        // a sandbox with a job in flight is busy: its job (bounded by the job's timeout) decides, not a guess
        Set<String> busy = jobs.inFlight(runnerId);
        reconcile(runnerId, inventory, hb.observed() == null ? Map.of() : hb.observed(), busy);
        reapOrphans(runnerId, inventory, busy);
        if (r.getState() == RunnerState.RECONCILING) {
            tx.executeWithoutResult(st -> runners.findById(runnerId).ifPresent(x -> {
                x.markReady();
                runners.save(x);
            }));
            log.info("runner {} reconciled after being unresponsive; schedulable again", runnerId);
        }
        return Map.of("reregister", false);
    }

    private void reconcile(String runnerId, Map<String, ContainerStatus> inventory,
            Map<String, ObservedSandbox> observed, Set<String> busy) {
        for (String id : sandboxes.findLiveIdsOnRunner(runnerId)) {
            ReentrantLock lock = locks.of(id);
            if (!lock.tryLock()) {
                continue;
            }
            try {
                lease.runExclusively(id, LEASE,
                        () -> apply(runnerId, id, inventory.getOrDefault(id, ContainerStatus.MISSING), observed.get(id),
                                busy.contains(id)));
            } catch (BerthException e) {
                log.warn("reconciling sandbox {} on runner {} failed: {}", id, runnerId, e.getMessage());
            } finally {
                lock.unlock();
            }
        }
    }

    private void apply(String runnerId, String id, ContainerStatus seen, ObservedSandbox how, boolean busy) {
        Sandbox s = store.load(id);
        boolean lost = s.getState() == SandboxState.ERROR && s.getErrorReason() != null
                && s.getErrorReason().startsWith(SandboxReconcilePolicy.RUNNER_LOST);
        var d = policy.decide(new SandboxView(s.getState(), s.getDesiredState(), s.getStateChangedAt(), busy, lost),
                Observation.inventory(seen, how), clock.instant());
        switch (d.command()) {
            case STOP_CONTAINER -> submit(runnerId, JobType.STOP_SANDBOX, id);
            case REMOVE_CONTAINER -> submit(runnerId, JobType.DESTROY_SANDBOX, id);
            case NONE -> {
                if (d.moveTo() != null) {
                    store.move(id, d.moveTo(), lost ? "runner returned" : "runner heartbeat", d.reason());
                } else if (d.reason() != null) {
                    store.update(id, x -> x.explainError(d.reason(), clock.instant()));
                }
            }
        }
        // a move that needs runner work first is recorded from a later inventory, once the work is done
    }

    private void submit(String runnerId, JobType type, String id) {
        try {
            jobs.enqueueDetached(runnerId, type, id, "{}");
            log.info("reconciler queued {} of sandbox {} on runner {}", type, id, runnerId);
        } catch (ConflictException e) {
            // a job for this sandbox is already in flight (maybe queued by a replica that died): it finishes the work
        }
    }

    private void reapOrphans(String runnerId, Map<String, ContainerStatus> inventory, Set<String> inFlight) {
        OrphanGrace grace = orphans.computeIfAbsent(runnerId, k -> new OrphanGrace(orphanGrace));
        Set<String> orphaned = new HashSet<>(inventory.keySet());
        orphaned.removeAll(inFlight);
        if (!orphaned.isEmpty()) {
            orphaned.removeAll(sandboxes.findLiveIds(inventory.keySet()));
        }
        synchronized (grace) {
            for (String id : grace.due(orphaned, clock.instant())) {
                if (sandboxes.findLiveIds(Set.of(id)).isEmpty()) {
                    log.info("removing orphan container of sandbox {} on runner {} (no live sandbox row for {} s)", id,
                            runnerId, orphanGrace.toSeconds());
                    submit(runnerId, JobType.DESTROY_SANDBOX, id);
                }
                grace.forget(id);
            }
        }
    }
}
