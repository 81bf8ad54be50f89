package dev.berth.server.runner;

import dev.berth.core.error.UnauthorizedException;
import dev.berth.protocol.runner.Heartbeat;
import dev.berth.protocol.runner.HeartbeatReply;
import dev.berth.protocol.runner.Job;
import dev.berth.protocol.runner.JobResult;
import dev.berth.protocol.runner.JobType;
import dev.berth.protocol.runner.Registration;
import dev.berth.protocol.runner.RegistrationReply;
import dev.berth.server.auth.Access;
import dev.berth.server.auth.RunnerPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The runner protocol: runners register, long-poll jobs, report results and heartbeat (all runner → control plane). */
@RestController
@Access(Access.Level.RUNNER)
public class RunnerProtocolController {

    private final FleetService fleet;
    private final JobQueue jobs;
    private final RunnerHeartbeats heartbeats;
    private final dev.berth.server.registry.SnapshotRegistry registry;
    private final JobLogSink logs;
    private final JobMaterials materials;

    public RunnerProtocolController(FleetService fleet, JobQueue jobs, RunnerHeartbeats heartbeats,
            dev.berth.server.registry.SnapshotRegistry registry, @org.springframework.context.annotation.Lazy JobLogSink logs,
            @org.springframework.context.annotation.Lazy JobMaterials materials) {
        this.logs = logs;
        this.materials = materials;
        this.fleet = fleet;
        this.registry = registry;
        this.jobs = jobs;
        this.heartbeats = heartbeats;
    }

    private static String runner(HttpServletRequest req) {
        Object p = req.getAttribute(RunnerPrincipal.REQUEST_ATTRIBUTE);
        if (!(p instanceof RunnerPrincipal rp)) {
            throw new UnauthorizedException("runner-protocol calls need a runner token");
        }
        return rp.runnerId();
    }

    @PostMapping("/api/runner/register")
    public RegistrationReply register(HttpServletRequest req, @RequestBody Registration body) {
        Runner r = fleet.register(runner(req), body);
        heartbeats.registered(r.getId());
        var auth = registry.auth();
        return new RegistrationReply(r.getId(), r.getRegion(), r.getSessionId(),
                new RegistrationReply.Registry(auth.host(), auth.username(), auth.password()));
    }

    @GetMapping("/api/runner/jobs")
    public List<Job> poll(HttpServletRequest req, @RequestParam(defaultValue = "20") int waitSeconds,
            @RequestHeader(name = "X-Berth-Runner-Session", required = false)
            String session) throws InterruptedException {
        return jobs.poll(runner(req), session, Duration.ofSeconds(Math.max(0, Math.min(waitSeconds, 30))));
    }

    @PostMapping("/api/runner/jobs/{jobId}/result")
    public Map<String, Object> result(HttpServletRequest req, @PathVariable String jobId, @RequestBody JobResult body) {
        jobs.complete(runner(req), jobId, body);
        return Map.of("ok", true);
    }

    /**
     * Log lines of a snapshot-making job, from the runner that holds it while it runs; anything else (another
     * runner's job, a finished one, a sandbox job) is refused. At most 64 KiB per post; the build log is bounded.
     */
    @PostMapping(value = "/api/runner/jobs/{jobId}/log", consumes = "text/plain")
    public Map<String, Object> log(HttpServletRequest req, @PathVariable String jobId, @RequestBody String text) {
        if (text.length() > dev.berth.protocol.runner.ImageWork.MAX_LOG_POST) {
            throw new dev.berth.core.error.InvalidRequestException("a log post may hold at most "
                    + dev.berth.protocol.runner.ImageWork.MAX_LOG_POST + " characters");
        }
        String snapshotId = jobs.snapshotOfRunningImageJob(runner(req), jobId, null);
        logs.append(snapshotId, text);
        return Map.of("ok", true);
    }

    /** One uploaded build context of the runner's running BUILD_IMAGE job, streamed. */
    @GetMapping(value = "/api/runner/jobs/{jobId}/context/{hash}", produces = "application/x-tar")
    public org.springframework.http.ResponseEntity<org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody>
            context(HttpServletRequest req, @PathVariable String jobId, @PathVariable String hash) {
        String snapshotId = jobs.snapshotOfRunningImageJob(runner(req), jobId, JobType.BUILD_IMAGE);
        var in = materials.context(snapshotId, hash);
        return org.springframework.http.ResponseEntity.ok().body(out -> {
            try (in) {
                in.transferTo(out);
            }
        });
    }

    /** The source registry credentials of the runner's running IMPORT_IMAGE job. */
    @GetMapping("/api/runner/jobs/{jobId}/source-auth")
    public dev.berth.protocol.runner.ImageWork.SourceAuth sourceAuth(HttpServletRequest req, @PathVariable String jobId) {
        return materials.sourceAuth(jobs.snapshotOfRunningImageJob(runner(req), jobId, JobType.IMPORT_IMAGE));
    }

    @PostMapping("/api/runner/heartbeat")
    public HeartbeatReply heartbeat(HttpServletRequest req, @RequestBody Heartbeat body) {
        return heartbeats.receive(runner(req), body);
    }
}
