package dev.berth.server.runner;

import dev.berth.core.error.UnavailableException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import org.springframework.stereotype.Component;

/** Row locks on runners, taken inside a transaction so concurrent placements on any replica never overcommit one. */
@Component
public class RunnerLocks {

    private final EntityManager em;

    public RunnerLocks(EntityManager em) {
        this.em = em;
    }

    public void lock(String runnerId) {
        Runner r = em.find(Runner.class, runnerId, LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            throw new UnavailableException("runner " + runnerId + " was removed while this sandbox was being placed");
        }
    }
}
