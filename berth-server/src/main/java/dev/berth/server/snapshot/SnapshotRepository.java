package dev.berth.server.snapshot;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface SnapshotRepository extends JpaRepository<Snapshot, String> {

    Optional<Snapshot> findByScopeAndName(String scope, String name);

    /** A snapshot the organization may use, by id or name: its own first, then general ones. */
    @Query("select s from Snapshot s where (s.scope = :org or s.scope = '*') and (s.id = :ref or s.name = :ref)"
            + " order by case when s.scope = :org then 0 else 1 end")
    List<Snapshot> findVisible(@Param("org") String organizationId, @Param("ref") String idOrName);

    /** The snapshots an organization sees (its own and the general ones), newest first. */
    @Query("select s from Snapshot s where (s.scope = :org or s.scope = '*')"
            + " and (:source is null or s.sourceSandboxId = :source) order by s.createdAt desc, s.id")
    Page<Snapshot> findVisiblePage(@Param("org") String organizationId, @Param("source") String sourceSandboxId,
            Pageable page);

    /** An earlier build of the same Dockerfile and contexts in this organization that did not fail. */
    @Query("select s from Snapshot s where s.scope = :org and s.buildHash = :hash and s.state in :states"
            + " order by s.createdAt")
    List<Snapshot> findBuilds(@Param("org") String organizationId, @Param("hash") String buildHash,
            @Param("states") Collection<SnapshotState> states);

    long countByScope(String scope);

    /** Snapshots of an organization some replica is working on now (their lease runs). */
    @Query("select count(s) from Snapshot s where s.scope = :scope and s.state in :states and s.claimedUntil > :now")
    long countWorkedOn(@Param("scope") String scope, @Param("states") Collection<SnapshotState> states,
            @Param("now") Instant now);

    /** Users' snapshots with work to do (Berth's own base images are made by {@link BaseImageService}). */
    @Query("select s.id from Snapshot s where s.scope <> '*' and s.state in :states"
            + " and (s.claimedUntil is null or s.claimedUntil < :now)")
    List<String> findClaimable(@Param("states") Collection<SnapshotState> states, @Param("now") Instant now);

    /** Takes the lease on a snapshot's work; 1 when this replica now holds it. */
    @Modifying
    @Query("update Snapshot s set s.claimedBy = :by, s.claimedUntil = :until where s.id = :id"
            + " and (s.claimedUntil is null or s.claimedUntil < :now)")
    int claim(@Param("id") String id, @Param("by") String by, @Param("until") Instant until, @Param("now") Instant now);

    /** Hands a snapshot's work back, to be taken again after {@code until}. */
    @Modifying
    @Query("update Snapshot s set s.claimedBy = null, s.claimedUntil = :until where s.id = :id")
    int postpone(@Param("id") String id, @Param("until") Instant until);

    /** Records a use (a sandbox created from it), at most once a minute per snapshot, without a version bump. */
    @Modifying
    @org.springframework.transaction.annotation.Transactional
    @Query("update Snapshot s set s.lastUsedAt = :now where s.id = :id and (s.lastUsedAt is null or s.lastUsedAt < :before)")
    int touch(@Param("id") String id, @Param("now") Instant now, @Param("before") Instant before);

    List<Snapshot> findByStateIn(Collection<SnapshotState> states);

    @Query("select s from Snapshot s where s.state = :state")
    List<Snapshot> findByState(@Param("state") SnapshotState state);
}
