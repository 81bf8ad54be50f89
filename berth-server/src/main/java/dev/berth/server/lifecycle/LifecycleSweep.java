package dev.berth.server.lifecycle;

import dev.berth.core.error.BerthException;
import dev.berth.core.lifecycle.LifecycleDecision;
import dev.berth.core.lifecycle.LifecyclePolicy;
import dev.berth.core.lifecycle.LifecycleView;
import dev.berth.server.audit.AuditTrail;
import dev.berth.server.config.LifecycleProperties;
import dev.berth.server.sandbox.ActivityTracker;
import dev.berth.server.sandbox.ArchiveAction;
import dev.berth.server.sandbox.BackupAction;
import dev.berth.server.sandbox.DestroyAction;
import dev.berth.server.sandbox.Lifecycle;
import dev.berth.server.sandbox.PauseAction;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxAction;
import dev.berth.server.sandbox.SandboxLease;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.StopAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Carries out {@link LifecyclePolicy}: at most every {@code sweep-interval} of the reconciler's pass it flushes the
 * activity stamps, decides for every candidate sandbox, and hands what is due to a few worker threads, which
 * decide again on a fresh row under the sandbox's reconcile lease (so two replicas never act on one sandbox),
 * probe the agent when asked, and run the same action a user's request runs, with the policy as its trigger,
 * the reason on the sandbox, and an audit record whose actor is the policy. Decides nothing itself.
 */
@Component
class LifecycleSweep implements Lifecycle, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LifecycleSweep.class);
    private static final Duration LEASE = Duration.ofMinutes(3);

    private final SandboxRepository repo;
    private final SandboxLease lease;
    private final ActivityTracker activity;
    private final BusyProbe probe;
    private final StopAction stop;
    private final PauseAction pause;
    private final DestroyAction destroy;
    private final ArchiveAction archive;
    private final BackupAction backup;
    private final AuditTrail audit;
    private final LifecycleProperties props;
    private final Clock clock;
    private final LifecyclePolicy policy;
    private final AtomicReference<Instant> nextSweep = new AtomicReference<>(Instant.MIN);
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile ExecutorService workers;

    LifecycleSweep(SandboxRepository repo, SandboxLease lease, ActivityTracker activity, BusyProbe probe,
            StopAction stop, PauseAction pause, DestroyAction destroy, ArchiveAction archive, BackupAction backup,
            AuditTrail audit, LifecycleProperties props, Clock clock) {
        this.archive = archive;
        this.backup = backup;
        this.repo = repo;
        this.lease = lease;
        this.activity = activity;
        this.probe = probe;
        this.stop = stop;
        this.pause = pause;
        this.destroy = destroy;
        this.audit = audit;
        this.props = props;
        this.clock = clock;
        this.policy = new LifecyclePolicy(props.minute(), props.maxArchive(), true, props.backupInterval());
    }

    @Override
    public void sweep() {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        if (!props.enabled() || workers == null || now.isBefore(due)
                || !nextSweep.compareAndSet(due, now.plus(props.sweepInterval()))) {
            return;
        }
        activity.flush();
        for (Sandbox s : repo.lifecycleCandidates(!props.backupInterval().isZero())) {
            if (inFlight.contains(s.getId())) {
                continue;
            }
            LifecycleDecision d = policy.decide(view(s, null), now);
            if (d.action() != LifecycleDecision.Action.NONE && inFlight.add(s.getId())) {
                try {
                    workers.execute(() -> carryOut(s.getId()));
                } catch (RejectedExecutionException e) {
                    inFlight.remove(s.getId()); // shutting down, or the queue is full: the next sweep tries again
                }
            }
        }
    }

    private void carryOut(String id) {
        try {
            lease.runExclusively(id, LEASE, () -> decideAndAct(id));
        } catch (BerthException | IllegalStateException e) {
            log.warn("lifecycle policy for sandbox {} failed: {}", id, e.getMessage());
        } finally {
            inFlight.remove(id);
        }
    }

    private void decideAndAct(String id) {
        Sandbox s = repo.findById(id).orElse(null);
        if (s == null || s.isPooled()) {
            return;
        }
        Instant now = clock.instant();
        LifecycleDecision d = policy.decide(view(s, null), now);
        if (d.action() == LifecycleDecision.Action.PROBE) {
            boolean busy = probe.busy(s);
            d = policy.decide(view(s, busy), now);
        }
        switch (d.action()) {
            case NONE, PROBE -> {
            }
            case TOUCH -> {
                log.info("sandbox {} is idle past its interval but a toolbox command still runs: kept", id);
                activity.touch(id);
                activity.flush();
            }
            case STOP -> act(s, stop, "auto-stop", d.reason());
            case PAUSE -> act(s, pause, "auto-pause", d.reason());
            case DELETE -> act(s, destroy, d.reason().startsWith("ttl") ? "ttl" : "auto-delete", d.reason());
            case ARCHIVE -> {
                String actor = "policy:auto-archive";
                log.info("sandbox {}: auto-archive ({})", id, d.reason());
                try {
                    archive.executeFor(id, actor, d.reason());
                    audit.recordAutomatic(s.getOrganizationId(), actor, "sandbox.auto-archive", "sandbox", id, null);
                } catch (BerthException e) {
                    audit.recordAutomatic(s.getOrganizationId(), actor, "sandbox.auto-archive", "sandbox", id,
                            e.getMessage());
                    throw e;
                }
            }
            case BACKUP -> backup.execute(id);
        }
    }

    private void act(Sandbox s, SandboxAction action, String policyName, String reason) {
        String actor = "policy:" + policyName;
        log.info("sandbox {}: {} ({})", s.getId(), policyName, reason);
        try {
            action.executeFor(s.getId(), actor, reason);
            audit.recordAutomatic(s.getOrganizationId(), actor, "sandbox." + policyName, "sandbox", s.getId(), null);
        } catch (BerthException e) {
            audit.recordAutomatic(s.getOrganizationId(), actor, "sandbox." + policyName, "sandbox", s.getId(),
                    e.getMessage());
            throw e;
        }
    }

    private static LifecycleView view(Sandbox s, Boolean busy) {
        return new LifecycleView(s.getState(), s.getStateChangedAt(), s.getLastActivityAt(), s.getPolicyChangedAt(),
                s.getAutoStopInterval(), s.getAutoPauseInterval(), s.getAutoArchiveInterval(), s.getAutoDeleteInterval(),
                s.getDestroyAt(), s.getBackupAt(), busy);
    }

    @Override
    public synchronized void start() {
        if (workers == null) {
            var pool = new ThreadPoolExecutor(props.workers(), props.workers(), 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(10_000), r -> {
                        Thread t = new Thread(r, "lifecycle");
                        t.setDaemon(true);
                        return t;
                    });
            workers = pool;
        }
    }

    @Override
    public synchronized void stop() {
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }

    @Override
    public boolean isRunning() {
        return workers != null;
    }
}
