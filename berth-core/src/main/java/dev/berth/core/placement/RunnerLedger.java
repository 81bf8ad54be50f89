package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What Berth has reserved on each runner, kept in memory and changed only by compare-and-set,
 * so concurrent reservations never take a runner past its capacity. The in-process counterpart
 * of the version-checked update the control plane does in its database.
 */
public final class RunnerLedger {

    private final double cpuOvercommit;
    private final Map<RunnerId, Account> accounts = new ConcurrentHashMap<>();

    public RunnerLedger(double cpuOvercommit) {
        if (!(cpuOvercommit >= 1.0) || Double.isInfinite(cpuOvercommit)) {
            throw new IllegalArgumentException("cpu overcommit must be a finite ratio >= 1.0, was " + cpuOvercommit);
        }
        this.cpuOvercommit = cpuOvercommit;
    }

    /**
     * Starts tracking a runner with what it already holds, or updates its capacity and keeps its
     * reservations (a runner that shrank below them takes nothing new until enough is released).
     */
    public void register(RunnerId id, RunnerResources capacity, RunnerResources allocated) {
        Objects.requireNonNull(capacity, "capacity");
        Objects.requireNonNull(allocated, "allocated");
        accounts.compute(id, (k, old) -> old == null
                ? new Account(capacity, new AtomicReference<>(allocated))
                : new Account(capacity, old.allocated));
    }

    public void forget(RunnerId id) {
        accounts.remove(id);
    }

    /** Reserves one sandbox of size {@code r}; false if the runner is unknown or it would not fit. */
    public boolean tryReserve(RunnerId id, Resources r) {
        Account a = accounts.get(id);
        if (a == null) {
            return false;
        }
        while (true) {
            RunnerResources held = a.allocated.get();
            if (!a.capacity.admits(held, r, cpuOvercommit)) {
                return false;
            }
            if (a.allocated.compareAndSet(held, held.plus(r))) {
                return true;
            }
        }
    }

    /** Returns one sandbox of size {@code r}; releasing what was never reserved is a bug and throws. */
    public void release(RunnerId id, Resources r) {
        Account a = accounts.get(id);
        if (a == null) {
            throw new IllegalStateException("runner " + id + " is not in the ledger");
        }
        while (true) {
            RunnerResources held = a.allocated.get();
            if (held.sandboxes() < 1 || held.cpu() < r.cpu() || held.memoryGiB() < r.memoryGiB()
                    || held.diskGiB() < r.diskGiB()) {
                throw new IllegalStateException("runner " + id + " holds " + held + ", cannot release " + r);
            }
            if (a.allocated.compareAndSet(held, held.minus(r))) {
                return;
            }
        }
    }

    public Optional<RunnerResources> allocated(RunnerId id) {
        return Optional.ofNullable(accounts.get(id)).map(a -> a.allocated.get());
    }

    private record Account(RunnerResources capacity, AtomicReference<RunnerResources> allocated) {
    }
}
