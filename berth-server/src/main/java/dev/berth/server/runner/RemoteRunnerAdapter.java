package dev.berth.server.runner;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.EngineException;
import dev.berth.core.error.UnavailableException;
import dev.berth.core.sandbox.RunnerCommand;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.SandboxSpec;
import dev.berth.protocol.runner.JobResult;
import dev.berth.protocol.runner.JobType;
import dev.berth.protocol.runner.SandboxSpecV1;
import dev.berth.protocol.runner.StopRequest;
import dev.berth.runner.agent.AgentClient;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.runner.agent.TunnelTransport;
import java.time.Duration;
import tools.jackson.databind.json.JsonMapper;

/**
 * A runner process reached through the job queue (it pulls) and its tunnel (for the toolbox).
 * {@code protocolVersion} decides the create payload: v1 sends whole cores and GiB
 * ({@link SandboxSpecV1}), v2 sends the byte-exact {@link SandboxSpec}.
 */
final class RemoteRunnerAdapter implements RunnerAdapter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Runner runner;
    private final JobQueue jobs;

    RemoteRunnerAdapter(Runner runner, JobQueue jobs) {
        this.runner = runner;
        this.jobs = jobs;
    }

    @Override
    public String runnerId() {
        return runner.getId();
    }

    /** The create payload this runner's protocol version reads. */
    private String createPayload(SandboxSpec spec) {
        boolean restricted = spec.networkBlockAll() || (spec.networkAllowList() != null && !spec.networkAllowList().isBlank())
                || (spec.domainAllowList() != null && !spec.domainAllowList().isBlank());
        if (restricted && runner.getProtocolVersion() == 1) {
            // a v1 runner reads no network policy: it would make the sandbox open while the API says otherwise
            throw new dev.berth.core.error.UnprocessableException("runner " + runner.getId() + " speaks runner protocol "
                    + "v1, which carries no network policy; upgrade it, or create the sandbox without one");
        }
        Object payload = runner.getProtocolVersion() == 1
                ? new SandboxSpecV1(spec.sandboxId(), spec.organizationId(), spec.imageRef(),
                        (int) (spec.nanoCpus() / 1_000_000_000L), (int) (spec.memoryBytes() >> 30),
                        (int) (spec.diskBytes() >> 30), spec.pidsLimit(), spec.user(), spec.env())
                : spec;
        return JSON.writeValueAsString(payload);
    }

    @Override
    public ObservedSandbox create(SandboxSpec spec) {
        JobResult r = run(JobType.CREATE_SANDBOX, spec.sandboxId(), createPayload(spec));
        return new ObservedSandbox(spec.sandboxId(), r.observed() == null ? ContainerStatus.RUNNING : r.observed(), null,
                false);
    }

    @Override
    public void start(String sandboxId) {
        run(JobType.START_SANDBOX, sandboxId, "{}");
    }

    @Override
    public void stop(String sandboxId, boolean force) {
        run(JobType.STOP_SANDBOX, sandboxId, JSON.writeValueAsString(new StopRequest(force)));
    }

    @Override
    public void destroy(String sandboxId) {
        run(JobType.DESTROY_SANDBOX, sandboxId, "{}");
    }

    @Override
    public void pause(String sandboxId) {
        requirePause();
        run(JobType.PAUSE_SANDBOX, sandboxId, "{}");
    }

    @Override
    public void resume(String sandboxId) {
        requirePause();
        run(JobType.RESUME_SANDBOX, sandboxId, "{}");
    }

    @Override
    public void resize(String sandboxId, dev.berth.core.sandbox.Resources r) {
        ensureSupports(RunnerCommand.RESIZE);
        run(JobType.RESIZE_SANDBOX, sandboxId, JSON.writeValueAsString(
                new dev.berth.protocol.runner.ResizeRequest(r.nanoCpus(), r.memoryBytes())));
    }

    private void requirePause() {
        ensureSupports(RunnerCommand.PAUSE);
    }

    @Override
    public void ensureSupports(RunnerCommand command) {
        boolean v3 = command == RunnerCommand.PAUSE || command == RunnerCommand.RESUME || command == RunnerCommand.RESIZE;
        if (v3 && runner.getProtocolVersion() < dev.berth.protocol.runner.RunnerProtocol.V3) {
            throw new dev.berth.core.error.UnprocessableException("runner " + runner.getId() + " speaks runner protocol v"
                    + runner.getProtocolVersion() + ", which cannot " + command.name().toLowerCase()
                    + " sandboxes (v3 can); upgrade the runner");
        }
    }

    @Override
    public void applyNetwork(String sandboxId, dev.berth.protocol.runner.NetworkSettings settings) {
        run(JobType.APPLY_NETWORK, sandboxId, JSON.writeValueAsString(settings));
    }

    @Override
    public void commit(String sandboxId, String imageRef) {
        run(JobType.COMMIT_SANDBOX, sandboxId, JSON.writeValueAsString(java.util.Map.of("imageRef", imageRef)));
    }

    @Override
    public void buildImage(String snapshotId, dev.berth.protocol.runner.ImageWork.Build b,
            java.util.function.Consumer<String> log) {
        run(JobType.BUILD_IMAGE, JobQueue.IMAGE_JOB_PREFIX + snapshotId, JSON.writeValueAsString(b));
    }

    @Override
    public void importImage(String snapshotId, dev.berth.protocol.runner.ImageWork.Import i,
            java.util.function.Consumer<String> log) {
        run(JobType.IMPORT_IMAGE, JobQueue.IMAGE_JOB_PREFIX + snapshotId, JSON.writeValueAsString(i));
    }

    @Override
    public void buildBaseImage(String snapshotId, String imageRef) {
        if (runner.getProtocolVersion() < dev.berth.protocol.runner.RunnerProtocol.V4) {
            throw new EngineException("runner " + runner.getId() + " speaks runner protocol v" + runner.getProtocolVersion()
                    + ", which cannot build base images (v4 can); upgrade the runner");
        }
        run(JobType.BUILD_BASE_IMAGE, JobQueue.IMAGE_JOB_PREFIX + snapshotId,
                JSON.writeValueAsString(new dev.berth.protocol.runner.ImageWork.Base(imageRef)));
    }

    @Override
    public void pullImage(String imageRef) {
        run(JobType.PULL_IMAGE, "img:" + imageRef, JSON.writeValueAsString(java.util.Map.of("imageRef", imageRef)));
    }

    @Override
    public void removeImage(String imageRef) {
        run(JobType.REMOVE_IMAGE, "img:" + imageRef, JSON.writeValueAsString(java.util.Map.of("imageRef", imageRef)));
    }

    @Override
    public void send(RunnerCommand command, String sandboxId, SandboxSpec spec) {
        JobType type = switch (command) {
            case CREATE -> JobType.CREATE_SANDBOX;
            case START -> JobType.START_SANDBOX;
            case STOP -> JobType.STOP_SANDBOX;
            case REMOVE -> JobType.DESTROY_SANDBOX;
            case PAUSE -> JobType.PAUSE_SANDBOX;
            case RESUME -> JobType.RESUME_SANDBOX;
            case RESIZE -> JobType.RESIZE_SANDBOX;
        };
        try {
            jobs.enqueueDetached(runner.getId(), type, sandboxId, command == RunnerCommand.CREATE ? createPayload(spec)
                    : command == RunnerCommand.RESIZE ? JSON.writeValueAsString(
                            new dev.berth.protocol.runner.ResizeRequest(spec.nanoCpus(), spec.memoryBytes())) : "{}");
        } catch (ConflictException e) {
            // a job for this sandbox is already in flight (maybe queued by a replica that died): it finishes the work
        }
    }

    @Override
    public void ensureReachable() {
        if (runner.getState() == RunnerState.UNRESPONSIVE) {
            throw new UnavailableException("runner " + runner.getId() + " is unresponsive (no "
                    + "heartbeat since " + runner.getLastHeartbeatAt() + "); nothing was sent or changed, retry when it "
                    + "is back");
        }
    }

    private JobResult run(JobType type, String sandboxId, String payload) {
        ensureReachable();
        String jobId = jobs.enqueue(runner.getId(), type, sandboxId, payload);
        JobResult r;
        try {
            r = jobs.await(jobId, type.timeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while waiting for runner " + runner.getId());
        }
        if (!r.ok()) {
            throw new EngineException("runner " + runner.getId() + " failed " + type + ": " + r.error());
        }
        return r;
    }

    @Override
    public SandboxAgent agent(String sandboxId) {
        if (runner.getEndpoint() == null) {
            throw new EngineException("runner " + runner.getId() + " has not registered a tunnel endpoint");
        }
        return new AgentClient(new TunnelTransport(runner.getId(), runner.getEndpoint(), runner.getTunnelSecret(), sandboxId),
                Duration.ofSeconds(5));
    }
}
