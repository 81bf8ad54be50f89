package dev.berth.server.runner;

import java.time.Instant;
import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface JobRepository extends JpaRepository<JobRow, String> {

    @Query("select j from JobRow j where j.runnerId = :runner and j.state = dev.berth.server.runner.JobState.PENDING"
            + " order by j.createdAt")
    List<JobRow> pending(@Param("runner") String runnerId, Pageable page);

    @Query("select j from JobRow j where (j.state = dev.berth.server.runner.JobState.PENDING"
            + " or j.state = dev.berth.server.runner.JobState.CLAIMED) and j.timeoutAt < :now")
    List<JobRow> overdue(@Param("now") Instant now);
}
