package dev.berth.server.warmpool;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface WarmPoolRepository extends JpaRepository<WarmPool, String> {

    List<WarmPool> findByScopeOrderByCreatedAtAsc(String scope);

    Optional<WarmPool> findByScopeAndSnapshotIdAndTarget(String scope, String snapshotId, String target);

    /** The pools a create may claim from: the organization's own first, then system pools. */
    @Query("select p from WarmPool p where p.snapshotId = :snapshot and p.target = :target and p.cpu = :cpu"
            + " and p.memoryGib = :mem and p.diskGib = :disk and p.osUser = :user and p.pool > 0"
            + " and (p.scope = :org or p.scope = '*') order by case when p.scope = '*' then 1 else 0 end")
    List<WarmPool> findMatching(@Param("org") String organizationId, @Param("snapshot") String snapshotId,
            @Param("target") String target, @Param("cpu") int cpu, @Param("mem") int memoryGib,
            @Param("disk") int diskGib, @Param("user") String osUser);

    /** Locks the pool's row for this transaction: one replenishment decision per pool at a time, on any replica. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select p from WarmPool p where p.id = :id")
    Optional<WarmPool> lockById(@Param("id") String id);
}
