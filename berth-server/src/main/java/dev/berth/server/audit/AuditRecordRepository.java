package dev.berth.server.audit;

import java.time.Instant;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface AuditRecordRepository extends JpaRepository<AuditRecord, String> {

    /** Completes a pending record; a target set by the handler replaces the one derived from the path. */
    @Modifying
    @Query("""
            update AuditRecord r set r.outcome = :outcome, r.statusCode = :status, r.errorMessage = :error,
                r.completedAt = :at,
                r.targetType = coalesce(:targetType, r.targetType), r.targetId = coalesce(:targetId, r.targetId)
            where r.id = :id and r.outcome = :pending""")
    int complete(@Param("id") String id, @Param("outcome") AuditOutcome outcome, @Param("status") int status,
            @Param("error") String error, @Param("at") Instant at, @Param("targetType") String targetType,
            @Param("targetId") String targetId, @Param("pending") AuditOutcome pending);
}
