package dev.berth.server.runner;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.NotFoundException;
import dev.berth.protocol.runner.Job;
import dev.berth.protocol.runner.JobResult;
import dev.berth.protocol.runner.JobType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.PageRequest;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The runner job queue: rows in the {@code job} table, claimed by long polls (compare-and-set on
 * the version column, so a job goes to exactly one poll even across replicas), completed by the
 * runner's report. In-process signals make the common path immediate; waiting on another
 * replica's result falls back to reading the row.
 */
@Component
public class JobQueue {

    private final JobRepository jobs;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final RunnerRepository runners;
    private final Map<String, Object> runnerSignals = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JobResult>> waiters = new ConcurrentHashMap<>();

    public JobQueue(JobRepository jobs, TransactionTemplate tx, Clock clock, RunnerRepository runners) {
        this.runners = runners;
        this.jobs = jobs;
        this.tx = tx;
        this.clock = clock;
    }

    public String enqueue(String runnerId, JobType type, String resourceId, String payload) {
        return enqueue(runnerId, type, resourceId, payload, true);
    }

    /**
     * Enqueues without anyone waiting for the result (the reconciler learns the outcome from the
     * runner's next inventory); a conflict means a job for the resource is already in flight.
     */
    public String enqueueDetached(String runnerId, JobType type, String resourceId, String payload) {
        return enqueue(runnerId, type, resourceId, payload, false);
    }

    private String enqueue(String runnerId, JobType type, String resourceId, String payload, boolean awaited) {
        String id = UUID.randomUUID().toString();
        if (awaited) {
            waiters.put(id, new CompletableFuture<>());
        }
        try {
            tx.executeWithoutResult(st -> jobs.saveAndFlush(new JobRow(id, runnerId, type, resourceId, payload,
                    null, clock.instant())));
        } catch (DataIntegrityViolationException e) {
            waiters.remove(id);
            throw new ConflictException("another operation on " + resourceId + " is still in progress on runner "
                    + runnerId + "; retry when it finishes");
        }
        Object signal = signal(runnerId);
        synchronized (signal) {
            signal.notifyAll();
        }
        return id;
    }

    /** Waits for a job's result up to {@code timeout}; reads the row when another replica got the report. */
    public JobResult await(String jobId, Duration timeout) throws InterruptedException {
        CompletableFuture<JobResult> f = waiters.computeIfAbsent(jobId, k -> new CompletableFuture<>());
        Instant deadline = clock.instant().plus(timeout);
        try {
            while (clock.instant().isBefore(deadline)) {
                try {
                    return f.get(250, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    JobRow row = jobs.findById(jobId).orElse(null);
                    if (row != null && row.isFinished()) {
                        return new JobResult(row.getState() == JobState.COMPLETED, row.getError(), null);
                    }
                } catch (ExecutionException e) {
                    return JobResult.failure(e.getCause().getMessage());
                }
            }
            return JobResult.failure("the runner did not finish the job within " + timeout.toSeconds() + " s");
        } finally {
            waiters.remove(jobId);
        }
    }

    /** Claims up to 16 pending jobs of a runner, waiting up to {@code wait} for one to appear. */
    public List<Job> poll(String runnerId, String session, Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        Object signal = signal(runnerId);
        while (true) {
            if (!runners.findById(runnerId).map(r -> Objects.equals(r.getSessionId(), session)).orElse(false)) {
                throw new ConflictException("this runner session was replaced by a newer "
                        + "registration; register again");
            }
            List<Job> claimed = claim(runnerId);
            if (!claimed.isEmpty() || !clock.instant().isBefore(deadline)) {
                return claimed;
            }
            synchronized (signal) {
                // re-checked after at most a second so another replica's enqueue is seen too
                signal.wait(Math.max(1, Math.min(1000, Duration.between(clock.instant(), deadline).toMillis())));
            }
        }
    }

    private List<Job> claim(String runnerId) {
        List<Job> out = new ArrayList<>();
        for (JobRow row : jobs.pending(runnerId, PageRequest.of(0, 16))) {
            try {
                tx.executeWithoutResult(st -> {
                    JobRow fresh = jobs.findById(row.getId()).orElseThrow();
                    if (fresh.getState() != JobState.PENDING) {
                        throw new OptimisticLockingFailureException("already claimed");
                    }
                    fresh.claim(clock.instant());
                    jobs.saveAndFlush(fresh);
                });
                out.add(new Job(row.getId(), row.getType(), row.getResourceId(), row.getPayload(), row.getTraceparent()));
            } catch (OptimisticLockingFailureException e) {
                // another poll (maybe on another replica) took it
            }
        }
        return out;
    }

    public void complete(String runnerId, String jobId, JobResult result) {
        tx.executeWithoutResult(st -> {
            JobRow row = jobs.findById(jobId).filter(j -> j.getRunnerId().equals(runnerId))
                    .orElseThrow(() -> new NotFoundException("job " + jobId + " not found for this runner"));
            if (row.isFinished()) {
                return; // a late or repeated report: the first outcome stands
            }
            row.finish(result.ok(), result.error(), clock.instant());
            jobs.saveAndFlush(row);
        });
        CompletableFuture<JobResult> f = waiters.get(jobId);
        if (f != null) {
            f.complete(result);
        }
    }

    /** The snapshot an unfinished BUILD_IMAGE/IMPORT_IMAGE/BUILD_BASE_IMAGE job of this runner makes; 404 for any other job. */
    public String snapshotOfRunningImageJob(String runnerId, String jobId, JobType only) {
        JobRow row = jobs.findById(jobId).filter(j -> j.getRunnerId().equals(runnerId)).filter(j -> !j.isFinished())
                .filter(j -> j.getType() == JobType.BUILD_IMAGE || j.getType() == JobType.IMPORT_IMAGE
                        || j.getType() == JobType.BUILD_BASE_IMAGE)
                .filter(j -> only == null || j.getType() == only)
                .filter(j -> j.getResourceId().startsWith(IMAGE_JOB_PREFIX))
                .orElseThrow(() -> new NotFoundException("no running image job " + jobId + " for this runner"));
        return row.getResourceId().substring(IMAGE_JOB_PREFIX.length());
    }

    /** The resource of a snapshot-making job: one at a time per snapshot. */
    public static final String IMAGE_JOB_PREFIX = "build:";

    /** Fails jobs past their per-type timeout, so nothing waits forever on a dead runner. */
    @Scheduled(fixedDelay = 5000)
    public void expireOverdue() {
        for (JobRow row : jobs.overdue(clock.instant())) {
            String msg = "job " + row.getType() + " timed out on runner " + row.getRunnerId();
            try {
                tx.executeWithoutResult(st -> {
                    JobRow fresh = jobs.findById(row.getId()).orElseThrow();
                    fresh.finish(false, msg, clock.instant());
                    jobs.saveAndFlush(fresh);
                });
                CompletableFuture<JobResult> f = waiters.get(row.getId());
                if (f != null) {
                    f.complete(JobResult.failure(msg));
                }
            } catch (OptimisticLockingFailureException e) {
                // finished concurrently
            }
        }
    }

    /**
     * Fails the jobs a runner has not taken yet, now that it stopped answering: their callers learn at once that
     * nothing was done (instead of waiting for the job's timeout), and may try elsewhere. Jobs it took stay: it
     * may come back and report them.
     */
    public int failPending(String runnerId, String why) {
        int n = 0;
        for (JobRow row : jobs.pending(runnerId, PageRequest.of(0, 1000))) {
            String msg = "runner " + runnerId + " " + why + " before it took this " + row.getType()
                    + " job; nothing was done there";
            try {
                boolean failed = Boolean.TRUE.equals(tx.execute(st -> {
                    JobRow fresh = jobs.findById(row.getId()).orElseThrow();
                    if (fresh.getState() != JobState.PENDING) {
                        return false; // taken meanwhile
                    }
                    if (runners.findById(runnerId).map(r -> r.getState() != RunnerState.UNRESPONSIVE).orElse(false)) {
                        return false; // it came back meanwhile and will take the job
                    }
                    fresh.finish(false, msg, clock.instant());
                    jobs.saveAndFlush(fresh);
                    return true;
                }));
                if (failed) {
                    n++;
                    CompletableFuture<JobResult> f = waiters.get(row.getId());
                    if (f != null) {
                        f.complete(JobResult.failure(msg));
                    }
                }
            } catch (OptimisticLockingFailureException e) {
                // taken concurrently
            }
        }
        return n;
    }

    /** Sandbox (resource) ids with an unfinished job on a runner: their outcome is still coming. */
    public Set<String> inFlight(String runnerId) {
        return new HashSet<>(jobs.resourcesInFlight(runnerId));
    }

    public void requeueClaimed(String runnerId) {
        jobs.requeueClaimed(runnerId);
    }

    private Object signal(String runnerId) {
        return runnerSignals.computeIfAbsent(runnerId, k -> new Object());
    }
}
