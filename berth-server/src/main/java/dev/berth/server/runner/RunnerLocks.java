package dev.berth.server.runner;

import dev.berth.core.error.UnavailableException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Row locks on runners, taken inside a transaction so concurrent placements on any replica never overcommit one.
 * Every transaction takes its runner rows in one global order (ascending id), host anchors included, so two
 * transactions never wait for each other in a circle. Callers that also lock an organization lock it first.
 */
@Component
public class RunnerLocks {

    private final EntityManager em;

    public RunnerLocks(EntityManager em) {
        this.em = em;
    }

    /**
     * Locks the runner's row; for a runner that shares its machine, also the row of the machine's runner with the
     * lowest id (its host anchor), so two placements on runners of one machine (whose capacity they share) take turns.
     */
    public void lock(String runnerId) {
        lockAll(List.of(runnerId));
    }

    /**
     * Locks several runners in one transaction: the runners and their host anchors together, in ascending id order.
     * Locking them one {@link #lock} at a time would not be sorted (an anchor may sort before a runner already
     * locked), and two such transactions could deadlock.
     */
    public void lockAll(Collection<String> runnerIds) {
        for (String id : lockOrder(runnerIds, this::hostAnchor)) {
            if (lockRow(id) == null && runnerIds.contains(id)) {
                throw new UnavailableException("runner " + id + " was removed while this sandbox was being placed");
            }
            // an anchor removed meanwhile: nothing left to share the machine with, nothing to lock
        }
    }

    /** The rows to lock for {@code runnerIds}: each runner and its host anchor (if any), once each, sorted. */
    static List<String> lockOrder(Collection<String> runnerIds, Function<String, Optional<String>> anchorOf) {
        TreeSet<String> rows = new TreeSet<>(runnerIds);
        for (String id : runnerIds) {
            anchorOf.apply(id).ifPresent(rows::add);
        }
        return List.copyOf(rows);
    }

    /** The lowest-id runner of the runner's machine, when the runner names one. */
    private Optional<String> hostAnchor(String runnerId) {
        // the host id by a scalar query: loading the entity here would make the lock below check its version,
        // and a heartbeat landing in between would fail the placement (OptimisticLockException)
        List<String> host = em.createQuery("select r.hostId from Runner r where r.id = :id", String.class)
                .setParameter("id", runnerId).getResultList();
        if (host.isEmpty() || host.get(0) == null) {
            return Optional.empty();
        }
        return em.createQuery("select r.id from Runner r where r.hostId = :h order by r.id", String.class)
                .setParameter("h", host.get(0)).setMaxResults(1).getResultList().stream().findFirst();
    }

    /**
     * Locks a runner's row and reads it fresh. A runner already loaded in this transaction (a placement reads them
     * all) is refreshed under the lock rather than found with it: finding a loaded entity with a lock checks the
     * version it was read at, and heartbeats change runner rows every second or two.
     */
    private Runner lockRow(String id) {
        Runner r = em.find(Runner.class, id);
        if (r == null) {
            return null;
        }
        em.refresh(r, LockModeType.PESSIMISTIC_WRITE);
        return r;
    }
}
