package dev.berth.runner.node;

import dev.berth.core.error.EngineException;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.SandboxSpec;
import dev.berth.protocol.runner.Heartbeat;
import dev.berth.protocol.runner.HeartbeatReply;
import dev.berth.protocol.runner.Job;
import dev.berth.protocol.runner.JobResult;
import dev.berth.protocol.runner.Registration;
import dev.berth.protocol.runner.RunnerProtocol;
import dev.berth.protocol.runner.SandboxSpecV1;
import dev.berth.protocol.runner.StopRequest;
import dev.berth.runner.SandboxRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone runner: registers, long-polls jobs, runs them on its engine, reports results and
 * heartbeats. It keeps no durable state: killed at any moment, it re-registers on start and its
 * inventory tells the control plane what exists.
 */
public final class RunnerNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RunnerNode.class);
    private static final Duration POLL_WAIT = Duration.ofSeconds(20);

    private final NodeSettings settings;
    private final SandboxRunner runner;
    private final AgentTunnelServer tunnel;
    private final ControlPlaneClient cp;
    private final HostMetrics metrics;
    private final JobTrace trace = new JobTrace(System::nanoTime);
    private final String secret;
    private final ThreadPoolExecutor workers;
    /**
     * Image work (pulls, builds, imports, removals) runs apart from sandbox work: a runner that joins and receives
     * its region's snapshots, or builds one for half an hour, still creates, starts and stops sandboxes at once.
     */
    private final ThreadPoolExecutor imageWorkers;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "runner-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /** Released by {@link #close()}: back-off waits end at once on shutdown. */
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile AutoCloseable engineEvents;

    private final java.util.concurrent.atomic.AtomicBoolean eventBeatPending = new java.util.concurrent.atomic.AtomicBoolean();

    /** Sandboxes whose container the kernel OOM-killed, from the engine's events, until it runs again or is gone. */
    private final java.util.Set<String> oomKilled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final dev.berth.runner.image.BaseImageBuilder baseImages;

    public RunnerNode(NodeSettings settings, SandboxRunner runner, AgentTunnelServer tunnel, String secret,
            java.nio.file.Path dataDir, dev.berth.runner.image.BaseImageBuilder baseImages) {
        this.settings = settings;
        this.baseImages = baseImages;
        this.runner = runner;
        this.tunnel = tunnel;
        this.secret = secret;
        this.cp = new ControlPlaneClient(settings.apiUrl(), settings.token(), settings.protocolVersion());
        this.metrics = new HostMetrics(dataDir);
        this.workers = new ThreadPoolExecutor(settings.jobThreads(), settings.jobThreads(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1000), r -> {
                    Thread t = new Thread(r, "runner-job");
                    t.setDaemon(true);
                    return t;
                });
        this.imageWorkers = new ThreadPoolExecutor(IMAGE_THREADS, IMAGE_THREADS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1000), r -> {
                    Thread t = new Thread(r, "runner-image-job");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Image jobs at once: each is mostly network and disk, and a third would slow the other two. */
    static final int IMAGE_THREADS = 2;

    static boolean isImageJob(dev.berth.protocol.runner.JobType type) {
        return switch (type) {
            case PULL_IMAGE, REMOVE_IMAGE, BUILD_IMAGE, IMPORT_IMAGE, BUILD_BASE_IMAGE -> true;
            default -> false;
        };
    }

    /** Runs until {@link #close()}; returns normally then. */
    public void run() throws InterruptedException {
        registerWithRetry();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, 0, settings.heartbeatInterval().toMillis(),
                TimeUnit.MILLISECONDS);
        // a container that died or vanished is reported at once: the heartbeat carries the inventory
        engineEvents = runner.engine().watch(SandboxRunner.LABEL_SANDBOX, this::onEngineEvent);
        long backoff = 250;
        while (stopped.getCount() > 0) {
            try {
                List<Job> jobs = cp.poll(POLL_WAIT);
                backoff = 250;
                for (Job j : jobs) {
                    (isImageJob(j.type()) ? imageWorkers : workers).execute(() -> execute(j));
                }
            } catch (IOException e) {
                log.warn("job poll failed: {}; retrying in {} ms", e.getMessage(), backoff);
                stopped.await(backoff, TimeUnit.MILLISECONDS);
                backoff = Math.min(backoff * 2, 5000);
                if (e instanceof ControlPlaneClient.StatusException s && s.status() == 409) {
                    registerWithRetry();
                }
            }
        }
    }

    private void registerWithRetry() throws InterruptedException {
        var caps = runner.capabilities();
        var reg = new Registration(tunnel.endpoint(), secret, settings.protocolVersion(), settings.runnerClass(),
                new Registration.Capacity(settings.cpuCapacity(), settings.memoryCapacity(), metrics.diskGiB(),
                        settings.maxSandboxes()),
                caps.engineVersion(), caps.storageDriver(), caps.diskQuotaEnforced(), "berth-agent/1", images(),
                settings.protocolVersion() >= RunnerProtocol.V4 ? settings.host() : null);
        long backoff = 250;
        while (stopped.getCount() > 0) {
            try {
                var reply = cp.register(reg);
                String id = reply.runnerId();
                if (reply.registry() != null) {
                    runner.useRegistry(new dev.berth.runner.engine.RegistryAuth(reply.registry().host(),
                            reply.registry().username(), reply.registry().password()));
                }
                log.info("registered as runner {} (protocol v{}, tunnel {})", id, settings.protocolVersion(),
                        tunnel.endpoint());
                return;
            } catch (IOException e) {
                log.warn("registration failed: {}; retrying in {} ms", e.getMessage(), backoff);
                stopped.await(backoff, TimeUnit.MILLISECONDS);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void execute(Job job) {
        JobResult result = trace.run(job, () -> perform(job));
        try {
            cp.report(job.id(), result);
        } catch (IOException e) {
            log.warn("could not report job {}: {} (the control plane will time it out and reconcile)", job.id(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JobResult perform(Job job) throws Exception {
        return switch (job.type()) {
            case CREATE_SANDBOX -> runner.observe(job.sandboxId()).status() == ContainerStatus.RUNNING
                    ? JobResult.success(ContainerStatus.RUNNING) // a redelivered job that already happened
                    : JobResult.success(runner.create(spec(job)).status());
            case START_SANDBOX -> {
                runner.start(job.sandboxId());
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case STOP_SANDBOX -> {
                runner.stop(job.sandboxId(), ControlPlaneClient.parse(job.payload(), StopRequest.class).force());
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case APPLY_NETWORK -> {
                var n = ControlPlaneClient.parse(job.payload(), dev.berth.protocol.runner.NetworkSettings.class);
                runner.applyNetworkPolicy(job.sandboxId(), dev.berth.core.network.NetworkPolicy.of(
                        n.networkBlockAll(), n.networkAllowList(), n.domainAllowList()));
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case COMMIT_SANDBOX -> {
                String ref = ControlPlaneClient.parse(job.payload(), java.util.Map.class).get("imageRef").toString();
                boolean ownArchive = dev.berth.core.sandbox.ArchiveImage.isArchive(ref)
                        && dev.berth.core.sandbox.ArchiveImage.parse(ref).sandboxId().equals(job.sandboxId());
                if (!ref.startsWith("berth-snapshot/") && !ownArchive) {
                    throw new IOException("refusing to commit to '" + ref + "': not a snapshot image name nor "
                            + "this sandbox's archive");
                }
                runner.commitAndPush(job.sandboxId(), ref);
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case PULL_IMAGE, REMOVE_IMAGE -> {
                String ref = ControlPlaneClient.parse(job.payload(), java.util.Map.class).get("imageRef").toString();
                if (!ref.startsWith("berth-snapshot/") && !ref.startsWith("berth/")
                        && !dev.berth.core.sandbox.ArchiveImage.isArchive(ref)) {
                    throw new IOException("refusing to " + job.type() + " '" + ref + "': not a snapshot or "
                            + "archive image name");
                }
                if (job.type() == dev.berth.protocol.runner.JobType.PULL_IMAGE) {
                    runner.ensureImage(ref, line -> { });
                } else {
                    runner.removeImage(ref);
                }
                yield JobResult.success(ContainerStatus.MISSING);
            }
            case BUILD_IMAGE, IMPORT_IMAGE -> {
                try (var logs = new JobLog(cp, job.id())) {
                    long size;
                    if (job.type() == dev.berth.protocol.runner.JobType.BUILD_IMAGE) {
                        var b = ControlPlaneClient.parse(job.payload(), dev.berth.protocol.runner.ImageWork.Build.class);
                        checkSnapshotRef(b.imageRef());
                        b.bases().forEach(RunnerNode::checkSnapshotRef);
                        var uploads = b.contextHashes().stream().map(h -> new dev.berth.runner.image.BuildContext.Upload(
                                h, () -> cp.openContext(job.id(), h))).toList();
                        try (var context = dev.berth.runner.image.BuildContext.assemble(b.dockerfile(), uploads,
                                b.maxContextBytes(), logs); var in = context.open()) {
                            size = runner.buildAndPush(in, context.dockerfileName(), b.imageRef(), b.bases(),
                                    b.memoryBytes(), b.maxBytes(), logs);
                        }
                    } else {
                        var i = ControlPlaneClient.parse(job.payload(), dev.berth.protocol.runner.ImageWork.Import.class);
                        checkSnapshotRef(i.imageRef());
                        dev.berth.runner.engine.RegistryAuth auth = null;
                        if (i.authenticated()) {
                            var a = cp.sourceAuth(job.id());
                            auth = new dev.berth.runner.engine.RegistryAuth(a.host(), a.username(), a.password());
                        }
                        size = runner.importAndPush(i.source(), auth, i.imageRef(), i.maxBytes(), logs);
                    }
                    logs.accept("[berth] stored (" + (size >> 20) + " MiB on the engine)\n");
                    yield JobResult.success(ContainerStatus.MISSING);
                }
            }
            case BUILD_BASE_IMAGE -> {
                var b = ControlPlaneClient.parse(job.payload(), dev.berth.protocol.runner.ImageWork.Base.class);
                var image = java.util.Arrays.stream(dev.berth.runner.image.BaseImage.values())
                        .filter(i -> i.imageRef().equals(b.imageRef())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("'" + b.imageRef() + "' is not a Berth base image"));
                try (var logs = new JobLog(cp, job.id())) {
                    long size = runner.storeBaseImage(baseImages, image, logs);
                    logs.accept("[berth] stored (" + (size >> 20) + " MiB rootfs)\n");
                }
                yield JobResult.success(ContainerStatus.MISSING);
            }
            case PAUSE_SANDBOX -> {
                runner.pause(job.sandboxId());
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case RESIZE_SANDBOX -> {
                var r = ControlPlaneClient.parse(job.payload(), dev.berth.protocol.runner.ResizeRequest.class);
                runner.resize(job.sandboxId(), r.nanoCpus(), r.memoryBytes());
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case RESUME_SANDBOX -> {
                runner.resume(job.sandboxId());
                yield JobResult.success(runner.observe(job.sandboxId()).status());
            }
            case DESTROY_SANDBOX -> {
                runner.destroy(job.sandboxId());
                yield JobResult.success(ContainerStatus.MISSING);
            }
        };
    }

    private static void checkSnapshotRef(String ref) {
        if (!ref.startsWith("berth-snapshot/") && !ref.startsWith("berth/")) {
            throw new IllegalArgumentException("refusing image '" + ref + "': not a snapshot image name");
        }
    }

    private SandboxSpec spec(Job job) throws IOException {
        if (settings.protocolVersion() == RunnerProtocol.V1) {
            SandboxSpecV1 v1 = ControlPlaneClient.parse(job.payload(), SandboxSpecV1.class);
            var r = new dev.berth.core.sandbox.Resources(v1.cpu(), v1.memoryGiB(), v1.diskGiB());
            return new SandboxSpec(v1.sandboxId(), v1.organizationId(), v1.imageRef(), r.nanoCpus(), r.memoryBytes(),
                    r.diskBytes(), v1.pidsLimit(), v1.user(), v1.env(), null);
        }
        return ControlPlaneClient.parse(job.payload(), SandboxSpec.class);
    }

    private void heartbeat() {
        try {
            // an engine that does not answer is reported as such, with no inventory (unknown, not empty): the
            // control plane keeps this runner's records and places nothing here until the engine is back
            Map<String, ObservedSandbox> observed = engineInventory();
            Map<String, ContainerStatus> inventory = null;
            if (observed != null) {
                inventory = new HashMap<>();
                for (ObservedSandbox o : observed.values()) {
                    inventory.put(o.sandboxId(), o.status());
                }
            }
            boolean engine = inventory != null; // it just answered the container list
            var hb = new Heartbeat(metrics.cpuUsage(), metrics.memoryUsage(), metrics.diskUsage(), metrics.loadPerCore(),
                    inventory == null ? 0 : inventory.size(), engine, "berth-agent/1", inventory, observed,
                    engine ? images() : null);
            HeartbeatReply reply = cp.heartbeat(hb);
            if (reply != null && reply.reregister()) {
                registerWithRetry();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("heartbeat failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The engine's tagged images, or null when it cannot be read (unknown, not none). */
    private List<String> images() {
        try {
            return List.copyOf(runner.engine().imageRefs());
        } catch (RuntimeException e) {
            log.warn("cannot list the engine's images: {}", e.getMessage());
            return null;
        }
    }

    /**
     * Every Berth container of this runner: its status, exit code (from the engine's list) and whether the
     * kernel OOM-killed it (from the engine's events since this runner started); null when the engine cannot
     * be read.
     */
    private Map<String, ObservedSandbox> engineInventory() {
        try {
            Map<String, ObservedSandbox> inventory = new HashMap<>();
            runner.inventory().forEach((id, c) -> {
                if (c.status() == ContainerStatus.RUNNING) {
                    oomKilled.remove(id); // started again since
                }
                inventory.put(id, new ObservedSandbox(id, c.status(), c.exitCode(),
                        c.status() == ContainerStatus.EXITED && oomKilled.contains(id)));
            });
            oomKilled.retainAll(inventory.keySet());
            return inventory;
        } catch (EngineException e) {
            log.warn("engine unavailable, heartbeat without inventory: {}", e.getMessage());
            return null;
        }
    }

    private void onEngineEvent(dev.berth.runner.engine.ContainerEvent ev) {
        String owner = ev.label(SandboxRunner.LABEL_RUNNER);
        if (owner != null && !owner.equals(runner.runnerId())) {
            return;
        }
        String sandbox = ev.label(SandboxRunner.LABEL_SANDBOX);
        if (ev.kind() == dev.berth.runner.engine.ContainerEvent.Kind.OOM_KILLED && sandbox != null) {
            oomKilled.add(sandbox);
        }
        // events come in bursts (die + destroy, oom + die): one queued heartbeat reports them all; the flag is
        // cleared before the beat reads the engine, so a later event queues another
        if (eventBeatPending.compareAndSet(false, true)) {
            try {
                heartbeats.execute(() -> {
                    eventBeatPending.set(false);
                    heartbeat();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                eventBeatPending.set(false); // closing
            }
        }
    }

    @Override
    public void close() {
        stopped.countDown();
        if (engineEvents != null) {
            try {
                engineEvents.close();
            } catch (Exception e) {
                log.debug("closing the engine event watch: {}", e.toString());
            }
        }
        heartbeats.shutdownNow();
        workers.shutdownNow();
        imageWorkers.shutdownNow();
        // an image build interrupted here stops its process tree (SIGTERM, up to 10 s for its traps to unmount and
        // remove the half-built rootfs, then SIGKILL): wait for that, or the JVM exits first and leaves a builder
        // (debootstrap with /proc mounted in its rootfs) running after `./berth cluster down` reported all stopped
        try {
            if (!imageWorkers.awaitTermination(15, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("an image build did not stop within 15 s of the runner's shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
