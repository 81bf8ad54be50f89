package dev.berth.server.lifecycle;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.UnprocessableException;
import dev.berth.core.lifecycle.LifecycleDecision;
import dev.berth.core.lifecycle.LifecycleDecision.Rule;
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
import dev.berth.server.sandbox.SandboxLease;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.StopAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Carries out {@link LifecyclePolicy}. The reconciler's pass asks for a sweep; at most every {@code sweep-interval} one
 * runs on this class's own thread (never the reconciler's): it flushes the activity stamps, decides for every
 * candidate, and hands what is due to a few worker threads (at most {@link #PER_ORGANIZATION} at once per
 * organization, so one tenant cannot hold them all). A worker decides again on a fresh row under the sandbox's
 * reconcile lease (two replicas never act on one sandbox), probes the agent when asked, and runs the action a user's
 * request runs, with the policy as its trigger, the reason on the sandbox and an audit record whose actor is the
 * policy, refused when the row or its activity changed since the decision. A failure backs off (doubling, up to
 * {@link #MAX_BACKOFF}) instead of being retried at every sweep. Decides nothing itself.
 */
@Component
class LifecycleSweep implements Lifecycle, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LifecycleSweep.class);
    private static final Duration LEASE = Duration.ofMinutes(3);
    static final int PER_ORGANIZATION = 4;
    static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

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
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final Map<String, String> inFlight = new ConcurrentHashMap<>(); // sandbox -> organization
    private final Map<String, AtomicInteger> perOrganization = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoff = new ConcurrentHashMap<>();
    private volatile ExecutorService sweeper;
    private volatile ExecutorService workers;

    private record Backoff(int failures, Instant notBefore) {
    }

    LifecycleSweep(SandboxRepository repo, SandboxLease lease, ActivityTracker activity, BusyProbe probe,
            StopAction stop, PauseAction pause, DestroyAction destroy, ArchiveAction archive, BackupAction backup,
            AuditTrail audit, LifecycleProperties props, Clock clock) {
        this.repo = repo;
        this.lease = lease;
        this.activity = activity;
        this.probe = probe;
        this.stop = stop;
        this.pause = pause;
        this.destroy = destroy;
        this.archive = archive;
        this.backup = backup;
        this.audit = audit;
        this.props = props;
        this.clock = clock;
        this.policy = new LifecyclePolicy(props.minute(), props.maxArchive(), true, props.backupInterval());
    }

    @Override
    public void sweep() {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        ExecutorService s = sweeper;
        if (!props.enabled() || s == null || now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(props.sweepInterval()))
                || !sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            s.execute(() -> {
                try {
                    sweepOnce();
                } catch (RuntimeException e) {
                    log.warn("lifecycle sweep failed: {}", e.toString());
                } finally {
                    sweeping.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            sweeping.set(false);
        }
    }

    private void sweepOnce() {
        activity.flush();
        Instant now = decisionTime();
        for (Sandbox s : repo.lifecycleCandidates(!props.backupInterval().isZero())) {
            if (inFlight.containsKey(s.getId())) {
                continue;
            }
            Backoff b = backoff.get(s.getId());
            if (b != null && now.isBefore(b.notBefore())) {
                continue;
            }
            LifecycleDecision d = policy.decide(view(s, null), now);
            if (d.action() != LifecycleDecision.Action.NONE) {
                submit(s.getId(), s.getOrganizationId());
            }
        }
    }

    /**
     * The time decisions are made at: now, less one activity-flush interval, so that the stamps another replica has
     * not written yet cannot make a sandbox look idle (every policy fires at most that much later).
     */
    private Instant decisionTime() {
        return clock.instant().minus(props.activityFlush());
    }

    private void submit(String id, String org) {
        AtomicInteger count = perOrganization.computeIfAbsent(org, k -> new AtomicInteger());
        if (count.incrementAndGet() > PER_ORGANIZATION) {
            count.decrementAndGet();
            return; // the organization has enough under way: its others wait for the next sweep
        }
        inFlight.put(id, org);
        try {
            workers.execute(() -> carryOut(id, org));
        } catch (RejectedExecutionException | NullPointerException e) {
            release(id, org); // shutting down: the next start sweeps again
        }
    }

    private void release(String id, String org) {
        inFlight.remove(id);
        perOrganization.computeIfPresent(org, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private void carryOut(String id, String org) {
        try {
            lease.runExclusively(id, LEASE, () -> decideAndAct(id));
            backoff.remove(id);
        } catch (BerthException | IllegalStateException e) {
            Backoff before = backoff.get(id);
            int failures = before == null ? 1 : before.failures() + 1;
            Duration wait = props.sweepInterval().multipliedBy(1L << Math.min(failures, 16));
            wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
            backoff.put(id, new Backoff(failures, clock.instant().plus(wait)));
            log.warn("lifecycle policy for sandbox {} failed ({} in a row; next try in {} s): {}", id, failures,
                    wait.toSeconds(), e.getMessage());
        } finally {
            release(id, org);
        }
    }

    private void decideAndAct(String id) {
        Sandbox s = repo.findById(id).orElse(null);
        if (s == null || s.isPooled()) {
            return;
        }
        LifecycleDecision first = policy.decide(view(s, null), decisionTime());
        LifecycleDecision d = first;
        if (first.action() == LifecycleDecision.Action.PROBE) {
            boolean busy = probe.busy(s);
            d = policy.decide(view(s, busy), decisionTime());
            activity.flush(); // a call that began during the probe is on the row before the action checks it
        }
        carryOutDecision(s, d);
    }

    private void carryOutDecision(Sandbox s, LifecycleDecision d) {
        String id = s.getId();
        switch (d.action()) {
            case NONE, PROBE -> {
            }
            case TOUCH -> {
                log.info("sandbox {} is idle past its interval but a toolbox command still runs: kept", id);
                activity.touch(id);
                activity.flush();
            }
            case STOP -> act(s, d, (stillDue) -> stop.executeFor(id, actor(d.rule()), d.reason(), stillDue));
            case PAUSE -> {
                try {
                    act(s, d, (stillDue) -> pause.executeFor(id, actor(d.rule()), d.reason(), stillDue));
                } catch (UnprocessableException e) {
                    // its runner cannot pause (an older runner): stopping is what an idle sandbox gets instead
                    log.info("sandbox {}: {}; stopped instead", id, e.getMessage());
                    act(s, new LifecycleDecision(LifecycleDecision.Action.STOP, Rule.AUTO_STOP,
                            d.reason() + " (stopped: its runner cannot pause)", null),
                            (stillDue) -> stop.executeFor(id, actor(Rule.AUTO_STOP), d.reason(), stillDue));
                }
            }
            case DELETE -> act(s, d, (stillDue) -> destroy.executeFor(id, actor(d.rule()), d.reason(), stillDue));
            case ARCHIVE -> act(s, d, (stillDue) -> archive.executeFor(id, actor(d.rule()), d.reason(), stillDue));
            case BACKUP -> backup.execute(id);
        }
    }

    private static String actor(Rule rule) {
        return "policy:" + rule.wireName();
    }

    /**
     * Runs a policy's action, refused if the sandbox changed since {@code s} was read (its version, or its activity,
     * which a flush writes without a version), and audits it with the policy as the actor.
     */
    private void act(Sandbox s, LifecycleDecision d, java.util.function.Consumer<Predicate<Sandbox>> action) {
        String actor = actor(d.rule());
        String name = "sandbox." + d.rule().wireName();
        Predicate<Sandbox> stillDue = x -> x.getVersion() == s.getVersion()
                && Objects.equals(x.getLastActivityAt(), s.getLastActivityAt());
        log.info("sandbox {}: {} ({})", s.getId(), d.rule().wireName(), d.reason());
        try {
            action.accept(stillDue);
            audit.recordAutomatic(s.getOrganizationId(), actor, name, "sandbox", s.getId(), null);
        } catch (dev.berth.core.error.ConflictException e) {
            log.info("sandbox {}: {} not done: {}", s.getId(), d.rule().wireName(), e.getMessage());
        } catch (UnprocessableException e) {
            throw e; // the caller may fall back (a pause its runner cannot do)
        } catch (BerthException e) {
            if (!backoff.containsKey(s.getId())) { // audited once per run of failures, not at every retry
                audit.recordAutomatic(s.getOrganizationId(), actor, name, "sandbox", s.getId(), e.getMessage());
            }
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
            workers = new ThreadPoolExecutor(props.workers(), props.workers(), 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(10_000), r -> {
                        Thread t = new Thread(r, "lifecycle");
                        t.setDaemon(true);
                        return t;
                    });
            sweeper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lifecycle-sweep");
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Lets running actions finish (an interrupted stop would be recorded as a failure); drops queued ones. */
    @Override
    public synchronized void stop() {
        if (workers != null) {
            sweeper.shutdownNow();
            workers.shutdown();
            try {
                if (!workers.awaitTermination(15, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                workers.shutdownNow();
            }
            workers = null;
            sweeper = null;
        }
    }

    @Override
    public boolean isRunning() {
        return workers != null;
    }
}
