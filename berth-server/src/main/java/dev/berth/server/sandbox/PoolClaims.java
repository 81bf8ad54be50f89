package dev.berth.server.sandbox;

import dev.berth.core.error.ConflictException;
import dev.berth.core.sandbox.Resources;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Serves a create from a warm pool: one short transaction per pool tried that checks the caller's quota (under
 * the organization's lock, like any create), locks one started, unclaimed member with {@code FOR UPDATE SKIP
 * LOCKED} (so concurrent claims on any replica take different members or none, without waiting for each other),
 * and re-owns it with the request's name, labels, env and intervals. No engine or runner call.
 */
@Component
public class PoolClaims {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PoolClaims.class);

    private final SandboxRepository repo;
    private final SandboxStore store;
    private final QuotaGate quotas;
    private final SandboxMapper mapper;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    private final java.time.Duration minute;

    public PoolClaims(SandboxRepository repo, SandboxStore store, QuotaGate quotas, SandboxMapper mapper,
            TransactionTemplate tx, Clock clock, ApplicationEventPublisher events,
            dev.berth.server.config.LifecycleProperties lifecycle) {
        this.minute = lifecycle.minute();
        this.repo = repo;
        this.store = store;
        this.quotas = quotas;
        this.mapper = mapper;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /**
     * A pool to try. {@code chargedToCaller}: its members already count against the caller's quota (the caller's
     * own pool), so a claim takes nothing more; otherwise (a system pool) the claim is checked like a create.
     */
    public record Candidate(String poolId, boolean chargedToCaller) {
    }

    /** The request's side of a claim, validated; a null name means the sandbox's id, as for a cold create. */
    public record Request(String organizationId, String name, Map<String, String> env, Map<String, String> labels,
            boolean isPublic, LifecycleSettings lifecycle, Resources resources) {
    }

    /** Most claims of one pool served by one transaction. */
    static final int MAX_BATCH = 32;

    /**
     * Claims of one pool in this process, combined: SKIP LOCKED keeps replicas apart, but H2 (embedded mode, one
     * process) may lock every row it scans rather than the one it returns, so concurrent claims of one pool take
     * turns here. Rather than one transaction each (a burst of 100 creates then waits on 100 commits in a row), the
     * claim holding the turn serves every claim queued behind it, up to {@link #MAX_BATCH}, in one transaction.
     */
    // one entry per pool ever claimed from in this process (a few objects each; pools are few)
    private final java.util.concurrent.ConcurrentHashMap<String, PoolQueue> queues =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static final class PoolQueue {
        final java.util.concurrent.locks.ReentrantLock turn = new java.util.concurrent.locks.ReentrantLock();
        final java.util.concurrent.ConcurrentLinkedQueue<Waiter> waiting =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
    }

    /** One claim of one pool: its outcome is a sandbox, none (the pool is empty), or the refusal it earned. */
    private static final class Waiter {
        final Candidate pool;
        final Request request;
        boolean done;
        Sandbox got;
        RuntimeException refused;

        Waiter(Candidate pool, Request request) {
            this.pool = pool;
            this.request = request;
        }

        void finish(Sandbox s, RuntimeException e) {
            got = s;
            refused = e;
            done = true;
        }
    }

    /** Claims queued on a pool in this process, not yet served (for tests). */
    int queued(String poolId) {
        PoolQueue q = queues.get(poolId);
        return q == null ? 0 : q.waiting.size();
    }

    /** The first member any candidate pool has ready, now the caller's; empty when every pool is empty. */
    public Optional<Sandbox> claim(List<Candidate> pools, Request r) {
        for (Candidate p : pools) {
            Sandbox got = claimFrom(p, r);
            if (got != null) {
                events.publishEvent(new SandboxStateChanged(got.getId(), got.getOrganizationId(), got.getState()));
                return Optional.of(got);
            }
        }
        return Optional.empty();
    }

    /**
     * Queues the claim, then takes the pool's turn: by then a turn before it has served it, or it is still queued
     * and this turn serves it with whatever queued behind it. Only turn holders read the queue and outcomes are
     * written under the turn, so the lock's hand-over publishes them.
     */
    private Sandbox claimFrom(Candidate p, Request r) {
        PoolQueue q = queues.computeIfAbsent(p.poolId(), k -> new PoolQueue());
        Waiter me = new Waiter(p, r);
        q.waiting.add(me);
        q.turn.lock();
        try {
            while (!me.done) {
                List<Waiter> batch = new java.util.ArrayList<>();
                for (Waiter w; batch.size() < MAX_BATCH && (w = q.waiting.poll()) != null; ) {
                    batch.add(w);
                }
                serve(batch);
            }
        } finally {
            q.turn.unlock();
        }
        if (me.refused != null) {
            throw me.refused;
        }
        return me.got;
    }

    /**
     * Serves a batch in one transaction; when it fails (a name taken, by a sandbox or by another claim of the batch,
     * or anything else), the transaction is rolled back whole and each claim is served again on its own, so only
     * the claim at fault is refused. Whatever happens, every claim of the batch ends with an outcome.
     */
    private void serve(List<Waiter> batch) {
        try {
            if (batch.size() > 1) {
                boolean[] written = {false};
                try {
                    List<Runnable> outcomes = tx.execute(status -> {
                        List<Runnable> o = claimAll(batch);
                        written[0] = true;
                        return o;
                    });
                    outcomes.forEach(Runnable::run);
                    return;
                } catch (RuntimeException e) {
                    if (written[0]) {
                        // the writes were done and the commit failed: it may have committed all the same, so a
                        // retry could hand out second sandboxes; these claims fail, saying so
                        log.warn("a combined warm-pool claim of {} sandboxes failed at its commit: {}", batch.size(),
                                e.toString());
                        throw e;
                    }
                    // a name taken, or any other failure of one claim's writes: the batch was rolled back whole;
                    // served one by one, only the claim at fault fails (one tenant's failure is not another's)
                    log.debug("a combined warm-pool claim of {} was rolled back ({}); serving them one by one",
                            batch.size(), e.toString());
                }
            }
            for (Waiter w : batch) {
                try {
                    List<Runnable> outcome = tx.execute(status -> claimAll(List.of(w)));
                    outcome.forEach(Runnable::run);
                } catch (DataIntegrityViolationException e) {
                    w.finish(null, new ConflictException("a sandbox named '" + w.request.name()
                            + "' already exists in this organization; choose another name or delete that one first"));
                } catch (RuntimeException e) {
                    w.finish(null, e);
                }
            }
        } catch (RuntimeException | Error e) {
            RuntimeException failure = e instanceof RuntimeException re ? re
                    : new IllegalStateException("claim failed: " + e, e);
            batch.stream().filter(w -> !w.done).forEach(w -> w.finish(null, failure));
            if (e instanceof Error err) {
                throw err;
            }
        }
    }

    /**
     * The claims of one transaction, in order: each locks and checks its organization (as one create alone would;
     * a claim before it in this transaction already counts), then takes one member. A refusal concerns that claim
     * only. Outcomes are applied after the commit, so a rolled-back batch leaves its claims unserved.
     */
    private List<Runnable> claimAll(List<Waiter> batch) {
        List<Runnable> outcomes = new java.util.ArrayList<>(batch.size());
        boolean empty = false;
        // organizations are locked in id order: two batches (on two replicas, or two pools) holding the same
        // organizations never wait for each other in a circle; members are taken with SKIP LOCKED and never waited on
        List<Waiter> ordered = new java.util.ArrayList<>(batch);
        ordered.sort(java.util.Comparator.comparing(w -> w.request.organizationId()));
        for (Waiter w : ordered) {
            Request r = w.request;
            try {
                if (w.pool.chargedToCaller()) {
                    quotas.lockAndCheckClaim(r.organizationId(), r.resources());
                } else {
                    quotas.lockAndCheckCreate(r.organizationId(), r.resources());
                }
            } catch (dev.berth.core.error.BerthException e) {
                outcomes.add(() -> w.finish(null, e));
                continue;
            }
            List<Sandbox> ready = empty ? List.of() : repo.lockOneReady(w.pool.poolId());
            if (ready.isEmpty()) {
                empty = true; // nothing this transaction claimed comes back, nothing new is ready in it
                outcomes.add(() -> w.finish(null, null));
                continue;
            }
            Sandbox s = ready.get(0);
            s.claim(r.organizationId(), r.name() == null ? s.getId() : r.name(), mapper.toJson(r.env()),
                    mapper.toJson(r.labels()), r.isPublic(), r.lifecycle(), minute, clock.instant());
            Sandbox saved = store.saveClaimed(s);
            outcomes.add(() -> w.finish(saved, null));
        }
        return outcomes;
    }
}
