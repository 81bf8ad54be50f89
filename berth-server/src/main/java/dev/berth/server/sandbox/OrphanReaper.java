package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.OrphanGrace;
import dev.berth.core.sandbox.RunnerCommand;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerInventory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Removes containers with Berth's labels whose sandbox has no live row on that runner for longer than the orphan grace
 * (a create may be about to record its row), on any runner, from its inventory. The first-seen times are
 * this replica's: with several replicas each counts its own grace and the first to reach it removes the
 * container (a removal is idempotent).
 */
@Component
class OrphanReaper {

    private static final Logger log = LoggerFactory.getLogger(OrphanReaper.class);

    private final SandboxRepository repo;
    private final SandboxLocks locks;
    private final Clock clock;
    private final Duration grace;
    private final Map<String, OrphanGrace> byRunner = new ConcurrentHashMap<>();

    OrphanReaper(SandboxRepository repo, SandboxLocks locks, BerthProperties props, Clock clock) {
        this.repo = repo;
        this.locks = locks;
        this.clock = clock;
        this.grace = props.reconciler().orphanGrace();
    }

    void reap(RunnerAdapter runner, RunnerInventory inventory) {
        Set<String> orphaned = new HashSet<>(inventory.containers().keySet());
        orphaned.removeAll(inventory.busy()); // a job in flight for it (a create about to record, a delete)
        if (!orphaned.isEmpty()) {
            // a container whose sandbox lives on another runner now (recovered or restored elsewhere while this
            // runner was away) is this runner's orphan too
            orphaned.removeAll(repo.findLiveIdsOnRunner(orphaned, inventory.runnerId()));
        }
        OrphanGrace seen = byRunner.computeIfAbsent(inventory.runnerId(), k -> new OrphanGrace(grace));
        List<String> due;
        synchronized (seen) {
            due = seen.due(orphaned, clock.instant());
        }
        for (String id : due) {
            remove(runner, id);
            synchronized (seen) {
                seen.forget(id);
            }
        }
    }

    private void remove(RunnerAdapter runner, String id) {
        ReentrantLock lock = locks.of(id);
        if (!lock.tryLock()) {
            return;
        }
        try {
            // re-checked under the sandbox's lock: a row recorded since the listing cancels the removal
            if (repo.findLiveIdsOnRunner(List.of(id), runner.runnerId()).isEmpty()) {
                runner.send(RunnerCommand.REMOVE, id, null);
                log.info("removing orphan container of sandbox {} on runner {} (no live sandbox row for {} s)", id,
                        runner.runnerId(), grace.toSeconds());
            }
        } catch (BerthException e) {
            log.warn("removing orphan container of sandbox {} on runner {} failed: {}", id, runner.runnerId(),
                    e.getMessage());
        } finally {
            lock.unlock();
        }
    }
}
