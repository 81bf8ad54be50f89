package dev.berth.server.runner;

import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface JobRepository extends JpaRepository<JobRow, String> {

    @Query("select j from JobRow j where j.runnerId = :runner and j.state = dev.berth.server.runner.JobState.PENDING"
            + " order by j.createdAt")
    List<JobRow> pending(@Param("runner") String runnerId, Pageable page);

    /** A runner process restarted: what its predecessor claimed but never reported goes back to the queue. */
    @Modifying
    @Query("update JobRow j set j.state = dev.berth.server.runner.JobState.PENDING, j.version = j.version + 1"
            + " where j.runnerId = :runner and j.state = dev.berth.server.runner.JobState.CLAIMED")
    int requeueClaimed(@Param("runner") String runnerId);

    @Query("select j from JobRow j where (j.state = dev.berth.server.runner.JobState.PENDING"
            + " or j.state = dev.berth.server.runner.JobState.CLAIMED) and j.timeoutAt < :now")
    List<JobRow> overdue(@Param("now") Instant now);

    /** Resources of a runner with a job still pending or claimed (an outcome is on its way). */
    @Query("select distinct j.resourceId from JobRow j where j.runnerId = :runner and (j.state = dev.berth.server.runner.JobState.PENDING"
            + " or j.state = dev.berth.server.runner.JobState.CLAIMED)")
    List<String> resourcesInFlight(@Param("runner") String runnerId);
}
