package dev.berth.server.snapshot;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface SnapshotRepository extends JpaRepository<Snapshot, String> {

    Optional<Snapshot> findByScopeAndName(String scope, String name);

    /** A snapshot the organization may use, by id or name: its own first, then general ones. */
    @Query("select s from Snapshot s where (s.scope = :org or s.scope = '*') and (s.id = :ref or s.name = :ref)"
            + " order by case when s.scope = :org then 0 else 1 end")
    List<Snapshot> findVisible(@Param("org") String organizationId, @Param("ref") String idOrName);
}
