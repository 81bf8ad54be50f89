package dev.berth.server.runner;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.sandbox.OrphanGrace;
import dev.berth.core.sandbox.ReconcileDecision;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.core.sandbox.SandboxState;
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

    public static final String LOST = "runner lost";
    private static final Logger log = LoggerFactory.getLogger(RunnerHeartbeats.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration OBSERVATION_GRACE = Duration.ofSeconds(10);

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

    /**
     * @param busy a job for the sandbox is unfinished: what the inventory confirms (e.g. a container that
     *             runs although its create job's report was lost with a crashed replica) is recorded, but no
     *             runner work is queued and no error is declared; the job, bounded by its timeout, decides
     */
    private void apply(String runnerId, String id, ContainerStatus seen, ObservedSandbox how, boolean busy) {
        Sandbox s = store.load(id);
        if (s.getState() == SandboxState.ERROR && s.getErrorReason() != null && s.getErrorReason().startsWith(LOST)) {
            recoverLost(s, seen);
            return;
        }
        // an inventory is a snapshot taken before it arrived: never judge a change younger than it
        if (Duration.between(s.getStateChangedAt(), clock.instant()).compareTo(OBSERVATION_GRACE) < 0) {
            return;
        }
        // how it ended, when the runner says (an older runner does not: an exit then counts as a clean stop)
        Integer exitCode = seen != ContainerStatus.EXITED ? null
                : how != null && how.status() == seen ? how.exitCode() : Integer.valueOf(0);
        boolean oom = how != null && how.status() == seen && how.oomKilled();
        var d = policy.decide(s.getState(), s.getDesiredState(), seen, exitCode, oom,
                Duration.between(s.getStateChangedAt(), clock.instant()), false);
        if (busy && (d.command() != ReconcileDecision.RunnerCommand.NONE || d.moveTo() == SandboxState.ERROR)) {
            return;
        }
        switch (d.command()) {
            case STOP_CONTAINER -> submit(runnerId, JobType.STOP_SANDBOX, id);
            case REMOVE_CONTAINER -> submit(runnerId, JobType.DESTROY_SANDBOX, id);
            case NONE -> {
                if (d.moveTo() != null) {
                    store.move(id, d.moveTo(), "runner heartbeat", d.reason());
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

    private void recoverLost(Sandbox s, ContainerStatus seen) {
        switch (seen) {
            case RUNNING -> store.move(s.getId(), SandboxState.STARTED, "runner returned", null);
            case EXITED, CREATED -> store.move(s.getId(), SandboxState.STOPPED, "runner returned", null);
            // already in error: only its reason changes (an error-to-error move is refused on every heartbeat)
            case MISSING -> store.update(s.getId(), x -> x.explainError(
                    "the runner came back but the sandbox's container is gone", clock.instant()));
        }
    }
}
