package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.error.UnavailableException;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerLocks;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * The sandboxes of warm pools, as the warm-pool feature records, starts and removes them. A member is an ordinary
 * sandbox row (so the one reconciler finishes an interrupted create and follows its container) marked
 * {@code pooled}: every tenant query skips it and no event announces it until a create claims it
 * ({@link PoolClaims}). Its container never runs tenant code before the claim.
 */
@Component
public class PoolMembers {

    /** The owner of system pools' sandboxes until a claim re-owns them (a row the V13 migration inserts). */
    public static final String SYSTEM_ORGANIZATION = "berth-system";

    private final SandboxRepository repo;
    private final SandboxStore store;
    private final SandboxSpecs specs;
    private final SandboxLocks locks;
    private final RunnerRegistry runners;
    private final RunnerLocks runnerLocks;
    private final QuotaGate quotas;
    private final Clock clock;

    public PoolMembers(SandboxRepository repo, SandboxStore store, SandboxSpecs specs, SandboxLocks locks,
            RunnerRegistry runners, RunnerLocks runnerLocks, QuotaGate quotas, Clock clock) {
        this.repo = repo;
        this.store = store;
        this.specs = specs;
        this.locks = locks;
        this.runners = runners;
        this.runnerLocks = runnerLocks;
        this.quotas = quotas;
        this.clock = clock;
    }

    /** What a pool's members are made of. {@code owner} is the pool's organization, or the system organization. */
    public record Template(String poolId, String owner, boolean chargeOwner, String snapshotName, String imageRef,
            String osUser, Resources resources, String target) {
    }

    /** A pool's live, unclaimed members. */
    public List<Sandbox> of(String poolId) {
        return repo.findPoolMembers(poolId);
    }

    /** Claims of a pool since {@code since}. */
    public long claimedSince(String poolId, java.time.Instant since) {
        return repo.countClaimedSince(poolId, since);
    }

    /** Unclaimed sandboxes of system pools in a region. */
    public long systemPooledIn(String target) {
        return repo.countPooledIn(SYSTEM_ORGANIZATION, target);
    }

    /** Unclaimed sandboxes whose pool is gone (deleted by a replica that died before removing them). */
    public List<Sandbox> orphans(java.util.Collection<String> livePools) {
        return repo.findPooled().stream().filter(s -> !livePools.contains(s.getWarmPoolId())).toList();
    }

    /** What {@link #record} recorded, and why it stopped short (null: it recorded all it was asked for). */
    public record Recorded(List<String> ids, String refusal) {
    }

    /**
     * Records up to {@code n} new members in {@code creating} on runners placed now, in the caller's transaction
     * (which holds the pool's row lock): the owner organization (an organization's pool) is locked first, then the
     * runners chosen with their host anchors in one sorted pass ({@link RunnerLocks#lockAll}), the order a create
     * takes them in, so no two transactions wait for each other in a circle; then each member is checked against
     * the owner's quota (an organization's pool) and its runner's capacity like any create. Containers are made by
     * {@link #start} after the transaction commits. A refusal ends the recording and is returned, not thrown.
     */
    public Recorded record(Template t, int n) {
        List<String> ids = new java.util.ArrayList<>();
        List<String> placed = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                placed.add(runners.place(t.target(), t.resources(), t.imageRef()).runnerId());
            }
        } catch (BerthException e) {
            if (placed.isEmpty()) {
                return new Recorded(ids, e.getMessage());
            }
        }
        if (t.chargeOwner()) {
            // the organization before the runners, as a create takes them: the reverse order could deadlock
            try {
                quotas.lockAndCheckActive(t.owner());
            } catch (BerthException e) {
                return new Recorded(ids, e.getMessage());
            }
        }
        runnerLocks.lockAll(placed);
        for (String runnerId : placed) {
            try {
                if (t.chargeOwner()) {
                    quotas.lockAndCheckCreate(t.owner(), t.resources());
                }
                if (!runners.admits(runnerId, t.resources())) {
                    return new Recorded(ids, "runner " + runnerId + " has no room for another pool sandbox");
                }
            } catch (BerthException e) {
                return new Recorded(ids, e.getMessage());
            }
            String id = UUID.randomUUID().toString();
            Sandbox s = new Sandbox(id, t.owner(), id, t.snapshotName(), t.imageRef(), t.osUser(), t.resources().cpu(),
                    t.resources().memoryGiB(), t.resources().diskGiB(), "{}", "{}", false, false, t.target(), 0, 0, -1,
                    clock.instant());
            s.poolFor(t.poolId());
            s.assignRunner(runnerId);
            ids.add(repo.saveAndFlush(s).getId());
        }
        return new Recorded(ids, placed.size() < n ? "no runner can take more pool sandboxes now" : null);
    }

    /**
     * Marks a member that can no longer serve (in error, or stopped) for removal, in the caller's transaction: no
     * later decision counts it again, and the reconciler removes it too should this replica die. Only for members
     * that cannot be claimed (a claim takes started members only).
     */
    public void markForRemoval(Sandbox member) {
        if (!member.isPooled() || member.getState() == SandboxState.STARTED) {
            throw new IllegalArgumentException("only an unclaimed member that is not started is marked for removal");
        }
        member.desire(DesiredState.DESTROYED, clock.instant());
        repo.saveAndFlush(member);
    }

    /**
     * Creates and starts a recorded member's container; null when that worked, else the reason (the member is
     * then in {@code error}, for the pool's next decision to count and remove).
     */
    public String start(String id) {
        ReentrantLock lock = locks.of(id);
        lock.lock();
        try {
            Sandbox s = store.load(id);
            if (s.getState() != SandboxState.CREATING || !s.isPooled()) {
                return null; // the reconciler finished it, or it is gone
            }
            try {
                runners.byId(s.getRunnerId()).create(specs.of(s));
            } catch (BerthException e) {
                store.fail(id, ErrorKind.ACTION_FAILED, "warm-pool", "create failed: " + e.getMessage());
                return e.getMessage();
            }
            try {
                store.move(id, SandboxState.STARTED, "warm-pool", null);
            } catch (ConflictException e) {
                // the reconciler recorded the running container first
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes an unclaimed member (surplus, failed, or of a deleted pool). A member a create claimed meanwhile is
     * left alone: the check runs in the transaction that records {@code destroying}.
     *
     * @return false when it was claimed first (or is already on its way out)
     */
    public boolean remove(String id) {
        ReentrantLock lock = locks.of(id);
        lock.lock();
        try {
            Sandbox s;
            try {
                s = store.move(id, SandboxState.DESTROYING, "warm-pool", null, x -> {
                    if (!x.isPooled()) {
                        throw new ConflictException("sandbox " + id + " was claimed");
                    }
                    x.desire(DesiredState.DESTROYED, clock.instant());
                });
            } catch (ConflictException e) {
                return false;
            }
            try {
                if (s.getRunnerId() != null) {
                    runners.byId(s.getRunnerId()).destroy(id);
                }
            } catch (BerthException e) {
                store.fail(id, ErrorKind.ACTION_FAILED, "warm-pool", "delete failed: " + e.getMessage());
                return true; // the reconciler retries the removal (desired: destroyed)
            }
            store.move(id, SandboxState.DESTROYED, "warm-pool", null);
            return true;
        } finally {
            lock.unlock();
        }
    }
}
