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

    /**
     * Claims of one pool in this process, one at a time: SKIP LOCKED keeps replicas apart, but H2 (embedded mode,
     * one process) may lock every row it scans rather than the one it returns, so concurrent claims of one pool
     * could find all its members locked and go cold. A claim holds this for its short transaction only.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.locks.ReentrantLock> poolLocks =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The first member any candidate pool has ready, now the caller's; empty when every pool is empty. */
    public Optional<Sandbox> claim(List<Candidate> pools, Request r) {
        for (Candidate p : pools) {
            Sandbox got;
            var lock = poolLocks.computeIfAbsent(p.poolId(), k -> new java.util.concurrent.locks.ReentrantLock());
            lock.lock();
            try {
                got = tx.execute(status -> {
                    if (p.chargedToCaller()) {
                        quotas.lockAndCheckClaim(r.organizationId(), r.resources());
                    } else {
                        quotas.lockAndCheckCreate(r.organizationId(), r.resources());
                    }
                    List<Sandbox> ready = repo.lockOneReady(p.poolId());
                    if (ready.isEmpty()) {
                        return null;
                    }
                    Sandbox s = ready.get(0);
                    s.claim(r.organizationId(), r.name() == null ? s.getId() : r.name(), mapper.toJson(r.env()), mapper.toJson(r.labels()),
                            r.isPublic(), r.lifecycle(), minute, clock.instant());
                    return store.saveClaimed(s);
                });
            } catch (DataIntegrityViolationException e) {
                throw new ConflictException("a sandbox named '" + r.name()
                        + "' already exists in this organization; choose another name or delete that one first");
            } finally {
                lock.unlock();
            }
            if (got != null) {
                events.publishEvent(new SandboxStateChanged(got.getId(), got.getOrganizationId(), got.getState()));
                return Optional.of(got);
            }
        }
        return Optional.empty();
    }
}
