package dev.berth.server.sandbox;

import dev.berth.core.sandbox.SandboxState;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Every tenant-facing query here takes the organization id: no query ignores the organization. */
public interface SandboxRepository extends JpaRepository<Sandbox, String> {

    /**
     * Every state but {@code destroyed}, as a JPQL list: destroyed rows are history that only grows, and a
     * {@code state <> 'DESTROYED'} filter would read all of it on every create; an IN list is answered from the
     * (organization_id, state) and (runner_id, state) indexes. {@code SandboxRepositoryLiveStatesTest} keeps it
     * in step with {@link SandboxState}.
     */
    String LIVE = "(dev.berth.core.sandbox.SandboxState.CREATING, dev.berth.core.sandbox.SandboxState.RESTORING,"
            + " dev.berth.core.sandbox.SandboxState.DESTROYING, dev.berth.core.sandbox.SandboxState.STARTED,"
            + " dev.berth.core.sandbox.SandboxState.STOPPED, dev.berth.core.sandbox.SandboxState.STARTING,"
            + " dev.berth.core.sandbox.SandboxState.STOPPING, dev.berth.core.sandbox.SandboxState.ERROR,"
            + " dev.berth.core.sandbox.SandboxState.BUILD_FAILED, dev.berth.core.sandbox.SandboxState.PENDING_BUILD,"
            + " dev.berth.core.sandbox.SandboxState.BUILDING_SNAPSHOT, dev.berth.core.sandbox.SandboxState.UNKNOWN,"
            + " dev.berth.core.sandbox.SandboxState.PULLING_SNAPSHOT, dev.berth.core.sandbox.SandboxState.ARCHIVED,"
            + " dev.berth.core.sandbox.SandboxState.ARCHIVING, dev.berth.core.sandbox.SandboxState.RESIZING,"
            + " dev.berth.core.sandbox.SandboxState.PAUSING, dev.berth.core.sandbox.SandboxState.PAUSED,"
            + " dev.berth.core.sandbox.SandboxState.RESUMING)";

    @Query("select s from Sandbox s where s.organizationId = :org and s.state in " + LIVE
            + " and s.pooled = false and (s.id = :ref or s.liveName = :ref)")
    List<Sandbox> findLiveByIdOrName(@Param("org") String organizationId, @Param("ref") String idOrName);

    default Optional<Sandbox> findLive(String organizationId, String idOrName) {
        List<Sandbox> found = findLiveByIdOrName(organizationId, idOrName);
        // an id match wins over a name match (a name could equal another sandbox's id)
        return found.stream().filter(s -> s.getId().equals(idOrName)).findFirst()
                .or(() -> found.stream().findFirst());
    }

    @Query("select count(s) from Sandbox s where s.organizationId = :org"
            + " and s.state in " + LIVE)
    long countLive(@Param("org") String organizationId);

    /** Live sandboxes made from a snapshot (by its name in an organization, or waiting for its build). */
    @Query("select count(s) from Sandbox s where s.state in " + LIVE
            + " and ((s.organizationId = :org and s.snapshotName = :name) or s.buildSnapshotId = :id)")
    long countLiveUsingSnapshot(@Param("org") String organizationId, @Param("name") String name, @Param("id") String id);

    /** The snapshots sandboxes wait for. */
    @Query("select distinct s.buildSnapshotId from Sandbox s where s.state in"
            + " (dev.berth.core.sandbox.SandboxState.PENDING_BUILD, dev.berth.core.sandbox.SandboxState.BUILDING_SNAPSHOT)")
    List<String> findAwaitedSnapshots();

    /** Sandboxes waiting in pending_build for a snapshot's build. */
    @Query("select s from Sandbox s where s.buildSnapshotId = :id and s.state in"
            + " (dev.berth.core.sandbox.SandboxState.PENDING_BUILD, dev.berth.core.sandbox.SandboxState.BUILDING_SNAPSHOT)")
    List<Sandbox> findWaitingForBuild(@Param("id") String snapshotId);

    /** Removes an organization's destroyed sandbox rows (history), so the organization itself can be deleted. */
    @Modifying
    @Query("delete from Sandbox s where s.organizationId = :org"
            + " and s.state = dev.berth.core.sandbox.SandboxState.DESTROYED")
    int deleteDestroyed(@Param("org") String organizationId);

    /** States in which a sandbox holds cpu and memory (a container runs or is about to), as a JPQL list. */
    String HOLDS_CPU = "(dev.berth.core.sandbox.SandboxState.CREATING, dev.berth.core.sandbox.SandboxState.STARTING,"
            + " dev.berth.core.sandbox.SandboxState.STARTED, dev.berth.core.sandbox.SandboxState.STOPPING,"
            + " dev.berth.core.sandbox.SandboxState.RESTORING, dev.berth.core.sandbox.SandboxState.RESIZING,"
            + " dev.berth.core.sandbox.SandboxState.PULLING_SNAPSHOT, dev.berth.core.sandbox.SandboxState.BUILDING_SNAPSHOT,"
            + " dev.berth.core.sandbox.SandboxState.PENDING_BUILD,"
            // a paused sandbox keeps its memory and resumes at any toolbox call: its resources stay reserved
            + " dev.berth.core.sandbox.SandboxState.PAUSING, dev.berth.core.sandbox.SandboxState.PAUSED,"
            + " dev.berth.core.sandbox.SandboxState.RESUMING)";

    /**
     * What an organization's live sandboxes hold, summed by the database (one row; sums are null over no rows):
     * cpu and memory of those in a state that runs or is about to run a container, disk and count of all.
     * {@code QuotaService} reads it under the organization's lock on every create, so it must not load the rows.
     */
    @Query("select new dev.berth.server.sandbox.UsageRow("
            + " sum(case when s.state in " + HOLDS_CPU + " then s.cpu else 0 end),"
            + " sum(case when s.state in " + HOLDS_CPU + " then s.memoryGib else 0 end),"
            + " sum(s.diskGib), count(s)) from Sandbox s where s.organizationId = :org and s.state in " + LIVE)
    UsageRow usageOf(@Param("org") String organizationId);

    /** Live sandboxes of an organization with their resources and state (suspension stops them). */
    @Query("select s from Sandbox s where s.organizationId = :org"
            + " and s.state in " + LIVE)
    List<Sandbox> findLiveByOrganization(@Param("org") String organizationId);

    /** Per runner: the cpu, memory, disk and count of its live sandboxes (what Berth has placed there). */
    @Query("select new dev.berth.server.sandbox.AllocationRow(s.runnerId, sum(s.cpu), sum(s.memoryGib),"
            + " sum(s.diskGib), count(s)) from Sandbox s"
            + " where s.state in " + LIVE + " and s.runnerId is not null"
            + " group by s.runnerId")
    List<AllocationRow> allocationByRunner();

    /** The same for one runner: one row, or none when it has no live sandbox. */
    @Query("select new dev.berth.server.sandbox.AllocationRow(s.runnerId, sum(s.cpu), sum(s.memoryGib),"
            + " sum(s.diskGib), count(s)) from Sandbox s where s.state in " + LIVE + " and s.runnerId = :runner"
            + " group by s.runnerId")
    List<AllocationRow> allocationOfRunner(@Param("runner") String runnerId);

    boolean existsByOrganizationIdAndLiveName(String organizationId, String liveName);

    /** One page in (createdAt, id) order after the cursor position; labels are filtered by the caller. */
    @Query("select s from Sandbox s where s.organizationId = :org and s.state in :states and s.pooled = false"
            + " and (s.createdAt > :afterCreated or (s.createdAt = :afterCreated and s.id > :afterId))"
            + " order by s.createdAt asc, s.id asc")
    List<Sandbox> page(@Param("org") String organizationId, @Param("states") Collection<SandboxState> states,
            @Param("afterCreated") Instant afterCreated, @Param("afterId") String afterId, Pageable page);

    /** Sandboxes the reconciler must look at: not where the user wants them, or in flight. */
    @Query("select s.id from Sandbox s where s.state in " + LIVE + " and s.runnerId = :runner")
    List<String> findLiveIdsOnRunner(@Param("runner") String runnerId);

    /** The live sandboxes of one runner, as rows. */
    @Query("select s from Sandbox s where s.state in " + LIVE + " and s.runnerId = :runner")
    List<Sandbox> findLiveOnRunner(@Param("runner") String runnerId);

    /** The live, unclaimed sandboxes of a warm pool, as rows (the pool's decision counts them by state). */
    @Query("select s from Sandbox s where s.warmPoolId = :pool and s.pooled = true and s.state in " + LIVE)
    List<Sandbox> findPoolMembers(@Param("pool") String poolId);

    /** Every live, unclaimed pool sandbox. */
    @Query("select s from Sandbox s where s.pooled = true and s.state in " + LIVE)
    List<Sandbox> findPooled();

    /** Claims of a warm pool since {@code since} (claimed rows stay, destroyed or not: the history of the rate). */
    @Query("select count(s) from Sandbox s where s.warmPoolId = :pool and s.claimedAt > :since")
    long countClaimedSince(@Param("pool") String poolId, @Param("since") Instant since);

    /** An organization's unclaimed pool sandboxes, live, in a region (system pools': the capacity reserved for them). */
    @Query("select count(s) from Sandbox s where s.pooled = true and s.organizationId = :org and s.target = :target"
            + " and s.state in " + LIVE)
    long countPooledIn(@Param("org") String organizationId, @Param("target") String target);

    /**
     * One started, unclaimed sandbox of the pool on a runner that takes sandboxes (not drained, not silent), locked
     * for this transaction and loaded by the same statement; rows other claims hold are skipped
     * rather than waited for, so concurrent claims on any replica each get a different one or none.
     */
    @Query(value = "select * from sandbox where warm_pool_id = :pool and pooled = true and state = 'STARTED'"
            + " and desired_state = 'STARTED'"
            + " and runner_id in (select r.id from runner r where r.schedulable = true and r.state = 'READY')"
            + " order by created_at, id limit 1 for update skip locked", nativeQuery = true)
    List<Sandbox> lockOneReady(@Param("pool") String poolId);

    /** Claims the reconcile lease if it is free, expired or already ours; 1 when claimed. See {@link SandboxLease}. */
    @Modifying
    @Query(value = "update sandbox set reconcile_owner = :owner, reconcile_until = :until where id = :id"
            + " and (reconcile_owner is null or reconcile_owner = :owner or reconcile_until < :now)", nativeQuery = true)
    int claimReconcileLease(@Param("id") String id, @Param("owner") String owner, @Param("until") Instant until,
            @Param("now") Instant now);

    @Modifying
    @Query(value = "update sandbox set reconcile_owner = null, reconcile_until = null where id = :id"
            + " and reconcile_owner = :owner", nativeQuery = true)
    int releaseReconcileLease(@Param("id") String id, @Param("owner") String owner);

    /**
     * Sandboxes a lifecycle policy may act on now or later: started ones with an idle interval, stopped ones
     * (archive or delete), archived ones with a delete interval, any settled one with a ttl deadline, and, when
     * {@code backups} are on, every started one.
     */
    @Query("select s from Sandbox s where s.state in (dev.berth.core.sandbox.SandboxState.STARTED,"
            + " dev.berth.core.sandbox.SandboxState.STOPPED, dev.berth.core.sandbox.SandboxState.ARCHIVED,"
            + " dev.berth.core.sandbox.SandboxState.PAUSED, dev.berth.core.sandbox.SandboxState.ERROR,"
            + " dev.berth.core.sandbox.SandboxState.BUILD_FAILED) and s.pooled = false and ("
            + " (s.state = dev.berth.core.sandbox.SandboxState.STARTED"
            + "   and (s.autoStopInterval > 0 or s.autoPauseInterval > 0 or :backups = true))"
            + " or s.state = dev.berth.core.sandbox.SandboxState.STOPPED"
            + " or (s.state = dev.berth.core.sandbox.SandboxState.ARCHIVED and s.autoDeleteInterval >= 0)"
            + " or s.destroyAt is not null)")
    List<Sandbox> lifecycleCandidates(@Param("backups") boolean backups);

    /** Of {@code ids}, those with a live row on runner {@code runnerId}. */
    @Query("select s.id from Sandbox s where s.state in " + LIVE + " and s.id in :ids and s.runnerId = :runner")
    List<String> findLiveIdsOnRunner(@Param("ids") Collection<String> ids, @Param("runner") String runnerId);
}
