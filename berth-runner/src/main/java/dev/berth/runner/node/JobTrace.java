package dev.berth.runner.node;

import dev.berth.protocol.runner.Job;
import dev.berth.protocol.runner.JobResult;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one job and leaves its trace in the runner's log: the job taken (INFO), how it ended (INFO with what the
 * engine then showed, or WARN with the reason it failed), so an operator reading a runner's log sees every create,
 * start, stop and delete it was sent and why one failed, without the control plane's log at hand.
 */
final class JobTrace {

    private static final Logger log = LoggerFactory.getLogger(JobTrace.class);

    /** A job's work: its result, or an exception whose message is the reason reported to the control plane. */
    @FunctionalInterface
    interface Work {
        JobResult run() throws Exception;
    }

    private final LongSupplier nanos;

    JobTrace(LongSupplier nanos) {
        this.nanos = nanos;
    }

    JobResult run(Job job, Work work) {
        boolean sandboxJob = !RunnerNode.isImageJob(job.type());
        String subject = sandboxJob ? "sandbox " + job.sandboxId() : String.valueOf(job.sandboxId());
        if (sandboxJob) {
            MDC.put("sandbox.id", job.sandboxId());
        }
        long t0 = nanos.getAsLong();
        try {
            log.info("job {} {} {}: started", job.id(), job.type(), subject);
            JobResult result;
            try {
                result = work.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = JobResult.failure("interrupted (the runner is stopping)");
            } catch (Exception e) {
                result = JobResult.failure(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
            }
            long ms = (nanos.getAsLong() - t0) / 1_000_000;
            if (result.ok()) {
                log.info("job {} {} {}: done in {} ms{}", job.id(), job.type(), subject, ms,
                        !sandboxJob || result.observed() == null ? "" : " (container " + result.observed().name().toLowerCase(java.util.Locale.ROOT) + ")");
            } else {
                log.warn("job {} {} {}: failed after {} ms: {}", job.id(), job.type(), subject, ms, result.error());
            }
            return result;
        } finally {
            MDC.remove("sandbox.id");
        }
    }
}
