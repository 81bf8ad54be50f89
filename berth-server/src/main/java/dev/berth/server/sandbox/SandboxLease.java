package dev.berth.server.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The per-sandbox reconcile lease in the database, so two control-plane replicas never reconcile
 * the same sandbox at once. Claimed with a conditional update (free, expired, or already ours);
 * a replica that dies mid-reconcile loses it when it expires. Does not touch the version column,
 * so it never makes a user action's compare-and-set fail.
 */
@Component
public class SandboxLease {

    private final SandboxRepository repo;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String owner = "cp-" + UUID.randomUUID();

    public SandboxLease(SandboxRepository repo, TransactionTemplate tx, Clock clock) {
        this.repo = repo;
        this.tx = tx;
        this.clock = clock;
    }

    /** True when this replica now holds the lease on {@code sandboxId} for {@code ttl}. */
    public boolean claim(String sandboxId, Duration ttl) {
        var now = clock.instant();
        Integer n = tx.execute(st -> repo.claimReconcileLease(sandboxId, owner, now.plus(ttl), now));
        return n != null && n == 1;
    }

    public void release(String sandboxId) {
        tx.executeWithoutResult(st -> repo.releaseReconcileLease(sandboxId, owner));
    }

    /** Runs {@code work} under the lease; returns false (without running it) when another replica holds it. */
    public boolean runExclusively(String sandboxId, Duration ttl, Runnable work) {
        if (!claim(sandboxId, ttl)) {
            return false;
        }
        try {
            work.run();
        } finally {
            release(sandboxId);
        }
        return true;
    }

}
