package dev.berth.server.warmpool;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.core.warmpool.WarmPoolSizer;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.Runner;
import dev.berth.server.runner.RunnerRepository;
import dev.berth.server.runner.RunnerState;
import dev.berth.server.sandbox.PoolMembers;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.snapshot.Snapshot;
import dev.berth.server.snapshot.SnapshotRepository;
import dev.berth.server.snapshot.SnapshotState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Carries out warm-pool replenishment for the one reconciler: when asked about a pool (after a claim, a member's
 * start, a change of the pool, or the reconciler's sweep) it gathers what the pool holds under the pool's row lock,
 * asks the pure {@link WarmPoolSizer}, records the new members and the pool's error in that transaction, and then
 * starts and removes containers. The row lock makes one decision per pool at a time across replicas; new members
 * are rows in {@code creating} the next decision counts, and an interrupted create is finished by the sandbox
 * reconciler like any other. Nothing here runs on a timer of its own: a decision's "look again" is scheduled.
 */
@Component
public class WarmPoolReplenisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WarmPoolReplenisher.class);

    /** The reconciler's sweeps come per runner inventory: pools are looked at no more often than this. */
    static final Duration SWEEP_EVERY = Duration.ofSeconds(2);

    private final WarmPoolRepository pools;
    private final PoolMembers members;
    private final SnapshotRepository snapshots;
    private final RunnerRepository runners;
    private final TransactionTemplate tx;
    private final WarmPoolProperties props;
    private final BerthProperties berth;
    private final WarmPoolMetrics metrics;
    private final Clock clock;
    private final WarmPoolSizer sizer;
    // made at every start: a stopped context (a paused test context, say) may be started again
    private volatile ScheduledExecutorService decisions;
    private volatile ExecutorService work;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, ScheduledFuture<?>> later = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ScheduledFuture<?>> refills = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep = new AtomicLong();
    private volatile boolean running;

    private final dev.berth.server.runner.RunnerRegistry registry;
    private final SystemPoolKeeper systemPool;

    public WarmPoolReplenisher(WarmPoolRepository pools, PoolMembers members, SnapshotRepository snapshots,
            RunnerRepository runners, TransactionTemplate tx, WarmPoolProperties props, BerthProperties berth,
            WarmPoolMetrics metrics, Clock clock, dev.berth.server.runner.RunnerRegistry registry,
            SystemPoolKeeper systemPool) {
        this.registry = registry;
        this.systemPool = systemPool;
        this.pools = pools;
        this.members = members;
        this.snapshots = snapshots;
        this.runners = runners;
        this.tx = tx;
        this.props = props;
        this.berth = berth;
        this.metrics = metrics;
        this.clock = clock;
        this.sizer = new WarmPoolSizer(props.parallelCreates());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Decides about a pool soon (coalesced: a burst of claims is one decision). */
    public void signal(String poolId) {
        schedule(poolId, Duration.ZERO);
    }

    /**
     * Decides about a pool {@code berth.warm-pools.refill-delay} after a claim: the claimer's first commands then
     * run before the refill's container start takes the host's cores, and the claims of a burst are one decision.
     * A look already due for a claim is kept (later claims do not push it back, so a steady stream of claims is
     * refilled at least once per delay).
     */
    public void signalAfterClaim(String poolId) {
        Duration delay = props.refillDelay();
        if (delay.isZero() || delay.isNegative()) {
            signal(poolId);
            return;
        }
        if (!running) {
            return;
        }
        refills.compute(poolId, (id, due) -> {
            if (due != null && !due.isDone()) {
                return due;
            }
            try {
                return decisions.schedule(() -> {
                    refills.remove(id);
                    decideSafely(id);
                }, delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return null; // stopping
            }
        });
    }

    private void schedule(String poolId, Duration delay) {
        if (!running) {
            return;
        }
        try {
            if (delay.isZero()) {
                if (!pending.add(poolId)) {
                    return; // one is queued already and will see this change too
                }
                decisions.execute(() -> {
                    pending.remove(poolId);
                    decideSafely(poolId);
                });
            } else {
                // one later look per pool: a new one replaces the one scheduled before (sweeps of a blocked pool
                // would otherwise start a new chain each time)
                ScheduledFuture<?> next = decisions.schedule(() -> decideSafely(poolId), delay.toMillis(),
                        TimeUnit.MILLISECONDS);
                ScheduledFuture<?> before = later.put(poolId, next);
                if (before != null) {
                    before.cancel(false);
                }
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.remove(poolId); // stopping
        }
    }

    private void decideSafely(String poolId) {
        try {
            decide(poolId);
        } catch (RuntimeException e) {
            log.warn("warm pool {}: {}", poolId, e.toString());
        }
    }

    /**
     * The reconciler's sweep: every pool is looked at (at most every {@link #SWEEP_EVERY}), the configured system
     * pool is kept as configured, and members of deleted pools are removed.
     */
    public void sweep() {
        long now = clock.millis();
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY.toMillis() || !lastSweep.compareAndSet(last, now) || !running) {
            return;
        }
        try {
            decisions.execute(this::sweepNow);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping
        }
    }

    private void sweepNow() {
        try {
            systemPool.keep();
            List<WarmPool> all = pools.findAll();
            Set<String> ids = all.stream().map(WarmPool::getId).collect(Collectors.toSet());
            for (Sandbox orphan : members.orphans(ids)) {
                if (orphan.getState() == SandboxState.STARTED || orphan.getState() == SandboxState.ERROR
                        || orphan.getState() == SandboxState.STOPPED) {
                    work.execute(() -> remove(orphan.getId()));
                }
            }
            ids.forEach(this::signal);
        } catch (RuntimeException e) {
            log.warn("warm pool sweep failed: {}", e.toString());
        }
    }

    /**
     * The region a pool that names none serves: where creates without a target go (Berth's region with an embedded
     * runner or a ready runner there; in cluster mode otherwise the region of most ready runners), so a pool and the
     * creates it should serve always agree.
     */
    public String defaultTarget() {
        return registry.defaultRegion(berth.region());
    }

    /** What one decision asks to be done after its transaction committed. */
    private record Plan(List<String> start, List<String> remove, Duration lookAgain) {
    }

    private void decide(String poolId) {
        Plan plan;
        try {
            plan = decideRetryingOnStaleRead(poolId);
        } catch (RuntimeException e) {
            log.warn("warm pool {}: decision failed: {}", poolId, e.toString());
            schedule(poolId, WarmPoolSizer.BLOCKED_RECHECK);
            return;
        }
        if (plan == null) {
            // the pool is gone: members that were still starting when it was deleted signal it when they are up
            removeMembers(poolId);
            return;
        }
        for (String id : plan.start()) {
            work.execute(() -> {
                try {
                    String failure = members.start(id);
                    if (failure != null) {
                        log.info("warm pool {}: a sandbox failed to start: {}", poolId, failure);
                    }
                } catch (RuntimeException e) {
                    log.warn("warm pool {}: starting sandbox {} failed: {}", poolId, id, e.toString());
                } finally {
                    signal(poolId);
                }
            });
        }
        for (String id : plan.remove()) {
            work.execute(() -> remove(id));
        }
        if (plan.lookAgain() != null) {
            schedule(poolId, plan.lookAgain());
        }
    }

    /**
     * A runner's row changes under a decision whenever its heartbeat lands between the decision reading it and
     * placing on it (the placement locks the row at the version it read): that is no failure of the pool, so the
     * decision is taken again at once with fresh rows, a few times, before it counts as failed.
     */
    private Plan decideRetryingOnStaleRead(String poolId) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> decideInTx(poolId));
            } catch (org.springframework.dao.OptimisticLockingFailureException
                    | jakarta.persistence.OptimisticLockException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private Plan decideInTx(String poolId) {
        WarmPool pool = pools.lockById(poolId).orElse(null);
        if (pool == null) {
            return null;
        }
        Instant now = clock.instant();
        Set<String> usable = usableRunners(pool.getTarget());
        List<Sandbox> all = members.of(poolId);
        List<String> remove = new ArrayList<>();
        // ready: started members on runners that take sandboxes; those on drained or silent runners are surplus
        List<Sandbox> ready = new ArrayList<>();
        for (Sandbox s : all) {
            if (s.getState() == SandboxState.STARTED && s.getDesiredState() == DesiredState.STARTED) {
                if (usable.contains(s.getRunnerId())) {
                    ready.add(s);
                } else {
                    remove.add(s.getId());
                }
            }
        }
        ready.sort(Comparator.comparing(Sandbox::getStateChangedAt).reversed());
        // a member in error, or whose container stopped, never serves a claim: it is marked for removal in this
        // transaction (so no later decision counts it again) and counted once as a failure
        List<Sandbox> failed = all.stream().filter(s -> (s.getState() == SandboxState.ERROR
                || s.getState() == SandboxState.STOPPED) && s.getDesiredState() != DesiredState.DESTROYED).toList();
        failed.forEach(members::markForRemoval);
        // members marked before (their removal failed or is still queued) are removed again, not counted
        all.stream().filter(s -> s.getDesiredState() == DesiredState.DESTROYED && s.getState() != SandboxState.DESTROYING)
                .forEach(s -> remove.add(s.getId()));
        failed.forEach(s -> remove.add(s.getId()));
        int creating = (int) all.stream().filter(s -> s.getState() == SandboxState.CREATING
                || s.getState() == SandboxState.STARTING).count();
        String failureReason = failed.stream().map(Sandbox::getErrorReason).filter(java.util.Objects::nonNull)
                .reduce((a, b) -> b).orElse(failed.isEmpty() ? null : "its container stopped");
        Instant latestReady = ready.isEmpty() ? null : ready.get(0).getStateChangedAt();
        long claims = members.claimedSince(poolId, now.minus(props.rateWindow()));
        // the reserve bounds system pools (their sandboxes are on no organization's quota); an organization's
        // pools are bounded by its quota
        long room = pool.isSystem() ? (long) Math.floor(props.reservedShare() * slots(pool.getTarget()))
                - members.systemPooledIn(pool.getTarget()) : Long.MAX_VALUE;
        String unusable = unusable(pool);
        var decision = sizer.decide(new WarmPoolSizer.Observed(pool.getMinPool(), pool.getPool(), ready.size(), creating,
                failed.size(), failureReason, latestReady, claims, room, unusable, pool.getFailures(),
                pool.getRetryAt()), now);
        metrics.size(poolId, ready.size());
        List<String> start = new ArrayList<>();
        String error = decision.error();
        Duration lookAgain = decision.lookAgain();
        if (decision.create() > 0) {
            Snapshot snapshot = snapshots.findById(pool.getSnapshotId()).orElseThrow();
            var recorded = members.record(new PoolMembers.Template(poolId,
                    pool.isSystem() ? PoolMembers.SYSTEM_ORGANIZATION : pool.getScope(), !pool.isSystem(),
                    snapshot.getName(), snapshot.getImageName(), pool.getOsUser(),
                    new Resources(pool.getCpu(), pool.getMemoryGib(), pool.getDiskGib()), pool.getTarget()),
                    decision.create());
            recorded.ids().forEach(start::add);
            if (recorded.refusal() != null) {
                // the quota or the fleet refuses more now: not a failure of the pool's sandboxes, but why it is short
                error = "cannot start another pool sandbox: " + recorded.refusal();
                lookAgain = WarmPoolSizer.BLOCKED_RECHECK;
            }
        }
        // surplus: the longest-ready go first (a claim may take one meanwhile: the removal then leaves it alone)
        for (int i = 0; i < decision.remove(); i++) {
            remove.add(ready.get(ready.size() - 1 - i).getId());
        }
        String before = pool.getErrorReason();
        if (pool.record(decision.failures(), decision.retryAt(), error, now)) {
            pools.saveAndFlush(pool);
            if (error != null && !error.equals(before)) {
                log.info("warm pool {} ({}): {}", poolId, pool.getSnapshotName(), error);
            }
        }
        return new Plan(start, remove, lookAgain);
    }

    /** Runners of the region that take sandboxes now. */
    private Set<String> usableRunners(String region) {
        Set<String> out = new java.util.HashSet<>();
        for (Runner r : runners.findAll()) {
            if (region.equals(r.getRegion()) && r.isSchedulable() && r.getState() == RunnerState.READY) {
                out.add(r.getId());
            }
        }
        return out;
    }

    /** Why the pool's snapshot cannot make sandboxes now, or null. */
    private String unusable(WarmPool pool) {
        Snapshot s = snapshots.findById(pool.getSnapshotId()).orElse(null);
        if (s == null) {
            return "snapshot '" + pool.getSnapshotName() + "' was deleted; delete this pool or make the snapshot again";
        }
        return s.getState() == SnapshotState.ACTIVE ? null : "snapshot '" + s.getName() + "' is not active (state '"
                + s.getState().wireName() + "'); the pool fills when it is";
    }

    /** Sandbox slots of the region's runners that take sandboxes. */
    private long slots(String region) {
        long n = 0;
        for (Runner r : runners.findAll()) {
            if (region.equals(r.getRegion()) && r.isSchedulable() && r.getState() == RunnerState.READY) {
                n += Math.max(0, r.getMaxSandboxes());
            }
        }
        return n;
    }

    private void remove(String sandboxId) {
        try {
            members.remove(sandboxId);
        } catch (RuntimeException e) {
            log.info("removing pool sandbox {} failed: {}", sandboxId, e.toString());
        }
    }

    /** Removes the unclaimed sandboxes of a pool just deleted. */
    void removeMembers(String poolId) {
        for (Sandbox s : members.of(poolId)) {
            if (s.getState() == SandboxState.CREATING || s.getState() == SandboxState.STARTING) {
                continue; // the sweep removes it once it settles
            }
            work.execute(() -> remove(s.getId()));
        }
    }

    @Override
    public synchronized void start() {
        decisions = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "warm-pool-decisions"));
        work = Executors.newFixedThreadPool(Math.max(2, props.parallelCreates() * 2), r -> daemon(r, "warm-pool-work"));
        running = true;
        lastSweep.set(0);
        sweep();
    }

    @Override
    public synchronized void stop() {
        running = false;
        decisions.shutdownNow();
        work.shutdownNow();
        pending.clear();
        later.clear();
        refills.clear();
        // members whose start was cut short stay 'creating': the sandbox reconciler finishes them
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
