package dev.berth.server.warmpool;

import dev.berth.core.warmpool.SystemPoolPolicy;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.Runner;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.runner.RunnerRepository;
import dev.berth.server.sandbox.PoolMembers;
import dev.berth.server.snapshot.SnapshotRepository;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the system pool of {@code berth.warm-pools.system} for the reconciler's sweep: gathers the system pools of
 * the configured snapshot and where runners are registered, asks the pure {@link SystemPoolPolicy}, and carries
 * out its creates, resizes and deletions.
 */
@Component
class SystemPoolKeeper {

    private static final Logger log = LoggerFactory.getLogger(SystemPoolKeeper.class);

    private final WarmPoolRepository pools;
    private final PoolMembers members;
    private final SnapshotRepository snapshots;
    private final RunnerRepository runners;
    private final RunnerRegistry registry;
    private final TransactionTemplate tx;
    private final WarmPoolProperties props;
    private final BerthProperties berth;
    private final WarmPoolMetrics metrics;
    private final Clock clock;

    SystemPoolKeeper(WarmPoolRepository pools, PoolMembers members, SnapshotRepository snapshots,
            RunnerRepository runners, RunnerRegistry registry, TransactionTemplate tx, WarmPoolProperties props,
            BerthProperties berth, WarmPoolMetrics metrics, Clock clock) {
        this.pools = pools;
        this.members = members;
        this.snapshots = snapshots;
        this.runners = runners;
        this.registry = registry;
        this.tx = tx;
        this.props = props;
        this.berth = berth;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Whether this is the system pool {@code berth.warm-pools.system} keeps now (which only configuration changes):
     * of the configured snapshot and in the region {@link SystemPoolPolicy#target} puts it in. A system pool of that
     * snapshot left in another region is not: the sweep drains and deletes it, and administrators may delete it.
     */
    boolean isConfigured(WarmPool p) {
        if (!p.isSystem() || !p.getSnapshotName().equals(systemSnapshotName())) {
            return false;
        }
        // a pool of an earlier registration of that name (deleted, registered again) is not kept: the sweep drains it
        if (!snapshots.findByScopeAndName("*", systemSnapshotName()).map(s -> s.getId().equals(p.getSnapshotId()))
                .orElse(false)) {
            return false;
        }
        return observeSystemPool().map(o -> p.getTarget().equals(SystemPoolPolicy.target(o))).orElse(false);
    }

    /** Whether the configuration keeps every system pool of this snapshot (it names no target region). */
    boolean ownsSystemPoolsOf(String snapshotName) {
        var sys = props.system();
        return (sys.target() == null || sys.target().isBlank()) && snapshotName.equals(systemSnapshotName());
    }

    private String systemSnapshotName() {
        var sys = props.system();
        return sys.snapshot() == null || sys.snapshot().isBlank() ? berth.sandbox().defaultSnapshot() : sys.snapshot();
    }

    /** What {@link SystemPoolPolicy} decides from; empty until the configured snapshot is registered. */
    private Optional<SystemPoolPolicy.Observed> observeSystemPool() {
        var sys = props.system();
        var snapshot = snapshots.findByScopeAndName("*", systemSnapshotName());
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        String snapshotId = snapshot.get().getId();
        List<SystemPoolPolicy.Pool> existing = pools.findByScopeOrderByCreatedAtAsc(WarmPool.SYSTEM).stream()
                .filter(p -> p.getSnapshotId().equals(snapshotId))
                .map(p -> new SystemPoolPolicy.Pool(p.getId(), p.getTarget(), p.getMinPool(), p.getPool(),
                        members.of(p.getId()).size()))
                .toList();
        Set<String> registered = runners.findAll().stream().map(Runner::getRegion).collect(Collectors.toSet());
        return Optional.of(new SystemPoolPolicy.Observed(sys.target(), berth.region(), registry.defaultRegion(berth.region()),
                registered, sys.min(), sys.max(), existing));
    }

    /**
     * The configured system pool ({@code berth.warm-pools.system}): created, resized, or drained by config, and a
     * system pool of its snapshot left in a region no longer in force drained and deleted ({@link SystemPoolPolicy}).
     * Every replica applies its own configuration: give them all the same.
     */
    void keep() {
        var observed = observeSystemPool();
        if (observed.isEmpty()) {
            return; // not registered yet (the default snapshot is registered at start): the next sweep
        }
        drainStale();
        var decision = SystemPoolPolicy.decide(observed.get());
        for (SystemPoolPolicy.Command c : decision.commands()) {
            if (c instanceof SystemPoolPolicy.Command.Create create) {
                create(create);
            } else if (c instanceof SystemPoolPolicy.Command.Resize resize) {
                resize(resize);
            } else if (c instanceof SystemPoolPolicy.Command.Delete delete) {
                delete(delete.poolId());
            }
        }
    }

    /**
     * System pools of the configured snapshot's name made for an earlier registration of it (the snapshot deleted and
     * registered again under a new id): no create can claim from them and they hold the region's pool room, so they
     * are drained, then deleted once empty.
     */
    private void drainStale() {
        var current = snapshots.findByScopeAndName("*", systemSnapshotName());
        if (current.isEmpty()) {
            return;
        }
        for (WarmPool p : pools.findByScopeOrderByCreatedAtAsc(WarmPool.SYSTEM)) {
            if (!p.getSnapshotName().equals(systemSnapshotName()) || p.getSnapshotId().equals(current.get().getId())) {
                continue;
            }
            if (p.getPool() > 0 || p.getMinPool() > 0) {
                resize(new SystemPoolPolicy.Command.Resize(p.getId(), 0, 0));
            } else {
                delete(p.getId());
            }
        }
    }

    private void create(SystemPoolPolicy.Command.Create c) {
        var snapshot = snapshots.findByScopeAndName("*", systemSnapshotName());
        if (snapshot.isEmpty()) {
            return;
        }
        var sb = berth.sandbox();
        try {
            pools.saveAndFlush(new WarmPool(UUID.randomUUID().toString(), WarmPool.SYSTEM,
                    snapshot.get().getId(), snapshot.get().getName(), c.region(), c.min(), c.max(), sb.defaultCpu(),
                    sb.defaultMemory(), sb.defaultDisk(), "root", clock.instant()));
            log.info("system warm pool for {} in {}: {} to {} sandboxes", snapshot.get().getName(), c.region(),
                    c.min(), c.max());
        } catch (DataIntegrityViolationException e) {
            // another replica made it first
        }
    }

    private void resize(SystemPoolPolicy.Command.Resize c) {
        WarmPool p = pools.findById(c.poolId()).orElse(null);
        if (p == null) {
            return;
        }
        p.resize(c.min(), c.max(), clock.instant());
        try {
            pools.saveAndFlush(p);
            if (c.max() == 0) {
                log.info("system warm pool {} ({} in {}) drained: the configuration keeps none there", p.getId(),
                        p.getSnapshotName(), p.getTarget());
            }
        } catch (OptimisticLockingFailureException e) {
            // changed concurrently; the next sweep looks again
        }
    }

    /** Deletes a drained system pool, if under its row lock it is still drained and holds no member. */
    private void delete(String poolId) {
        Boolean deleted = tx.execute(st -> pools.lockById(poolId)
                .filter(p -> p.getPool() == 0 && p.getMinPool() == 0 && members.of(poolId).isEmpty())
                .map(p -> {
                    pools.delete(p);
                    return true;
                }).orElse(false));
        if (Boolean.TRUE.equals(deleted)) {
            metrics.forget(poolId);
            log.info("system warm pool {} deleted: drained and empty", poolId);
        }
    }
}
