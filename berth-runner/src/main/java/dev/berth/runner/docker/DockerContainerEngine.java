package dev.berth.runner.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import dev.berth.runner.engine.ImageInfo;
import dev.berth.runner.engine.RegistryAuth;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.function.Consumer;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import dev.berth.core.error.EngineException;
import dev.berth.protocol.ContainerStatus;
import dev.berth.runner.engine.ContainerEngine;
import dev.berth.runner.engine.ContainerInfo;
import dev.berth.runner.engine.ContainerSpec;
import dev.berth.runner.engine.EngineInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@link ContainerEngine} on Docker Engine, through docker-java over the engine's socket. */
public final class DockerContainerEngine implements ContainerEngine {

    /**
     * How long a call on one container's state (inspect, kill, pause, remove, a short stop) may wait for the engine's
     * answer. dockerd can lose a container's exit event and then never answer a force-remove, nor anything else that
     * needs that container's lock (seen with 20.10.24). docker-java's response timeout does not hold on a unix
     * socket, so such a call would hold its caller's thread for good; these calls run on {@link #calls} and their
     * caller stops waiting at the deadline, with an engine failure its caller retries like any other.
     */
    public static final Duration CONTROL_TIMEOUT = Duration.ofMinutes(2);
    /**
     * Pause and resume answer the control plane within its 30 s job timeout (JobType.PAUSE_SANDBOX): the look at the
     * container and the call itself get 10 s each, so the runner reports its failure before the control plane gives up
     * on the job (a pause still waiting in the engine can land later all the same; see docs/engine.md).
     */
    static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(10);

    private final DockerClient docker;
    private final Duration controlTimeout;
    private final String host;
    private final java.util.concurrent.ExecutorService calls = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "engine-call");
        t.setDaemon(true);
        return t;
    });
    /**
     * Calls past their deadline that the engine has still not answered, per operation and container: while one
     * waits, the same call fails at once instead of leaving one more thread waiting on every retry.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Long> unanswered =
            new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * At most this many calls past their deadline may still wait on the engine: each holds a thread and one of the
     * client's 64 connections, so without a cap enough hung containers would leave no connection for anything else
     * (creates, listings, pings). Past the cap, every bounded call fails at once until the engine answers some.
     */
    static final int MAX_UNANSWERED = 16;

    public DockerContainerEngine(String dockerHost) {
        this(dockerHost, CONTROL_TIMEOUT);
    }

    public DockerContainerEngine(String dockerHost, Duration controlTimeout) {
        this.host = dockerHost;
        this.controlTimeout = controlTimeout;
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
        var http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        this.docker = DockerClientImpl.getInstance(config, http);
    }

    /**
     * Runs one engine call on one container with a deadline. What the call throws comes out as it is (the callers'
     * catch blocks read the engine's answers); no answer in time is an engine failure naming {@code what}.
     */
    private <T> T bounded(String what, String container, Duration deadline, java.util.function.Supplier<T> call) {
        String key = what + " " + container;
        Long since = unanswered.get(key);
        if (since != null) {
            throw new EngineException("the container engine failed to " + key + ": it has not answered the same call "
                    + "made " + (System.nanoTime() - since) / 1_000_000_000L + " s ago (operators: "
                    + "`./berth engine status`, and the engine's log)");
        }
        if (unanswered.size() >= MAX_UNANSWERED) {
            throw new EngineException("the container engine failed to " + key + ": " + unanswered.size()
                    + " earlier calls past their deadline are still unanswered (operators: `./berth engine status`, "
                    + "and the engine's log; a restart of the engine ends them)");
        }
        var f = java.util.concurrent.CompletableFuture.supplyAsync(call, calls);
        try {
            return f.get(deadline.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            long now = System.nanoTime();
            unanswered.putIfAbsent(key, now);
            f.whenComplete((r, x) -> unanswered.remove(key, now));
            throw new EngineException("the container engine failed to " + key + ": no answer within "
                    + deadline.toSeconds() + " s (operators: `./berth engine status`, and the engine's log)");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new EngineException("the container engine failed to " + key + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(false);
            throw new EngineException("interrupted while the container engine was asked to " + key, e);
        }
    }

    private void bounded(String what, String container, Runnable call) {
        bounded(what, container, controlTimeout, call);
    }

    private void bounded(String what, String container, Duration deadline, Runnable call) {
        bounded(what, container, deadline, () -> {
            call.run();
            return null;
        });
    }

    /** The pause deadline, never longer than the engine's control deadline (tests shorten that one). */
    private Duration pauseTimeout() {
        return PAUSE_TIMEOUT.compareTo(controlTimeout) < 0 ? PAUSE_TIMEOUT : controlTimeout;
    }

    @Override
    public EngineInfo info() {
        try {
            Info info = docker.infoCmd().exec();
            List<String> sec = info.getSecurityOptions() == null ? List.of() : info.getSecurityOptions();
            boolean userns = sec.stream().anyMatch(s -> s.contains("name=userns"));
            return new EngineInfo(info.getServerVersion(), info.getDriver(), userns, info.getDockerRootDir(),
                    info.getNCPU() == null ? 0 : info.getNCPU());
        } catch (RuntimeException e) {
            throw failure("read engine info", e);
        }
    }

    @Override
    public boolean ping() {
        try {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean imageExists(String imageRef) {
        try {
            docker.inspectImageCmd(imageRef).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw failure("inspect image " + imageRef, e);
        }
    }

    @Override
    public Set<String> imageRefs() {
        try {
            Set<String> refs = new TreeSet<>();
            for (var image : docker.listImagesCmd().exec()) {
                if (image.getRepoTags() != null) {
                    for (String tag : image.getRepoTags()) {
                        if (!tag.startsWith("<none>")) {
                            refs.add(tag);
                        }
                    }
                }
            }
            return refs;
        } catch (RuntimeException e) {
            throw failure("list images", e);
        }
    }

    @Override
    public void importImage(Path rootfsTar, String imageRef) {
        String repo = imageRef.contains(":") ? imageRef.substring(0, imageRef.lastIndexOf(':')) : imageRef;
        String tag = imageRef.contains(":") ? imageRef.substring(imageRef.lastIndexOf(':') + 1) : "latest";
        try {
            DockerImageImport.importTar(host, rootfsTar, repo, tag);
        } catch (IOException e) {
            throw new EngineException("importing " + rootfsTar + " as " + imageRef + " failed: " + e.getMessage(), e);
        }
        if (!imageExists(imageRef)) {
            throw new EngineException("engine accepted the import of " + rootfsTar + " but image '" + imageRef
                    + "' does not exist afterwards; check the engine log");
        }
    }

    /** {@code [repository, tag]} of a reference; the tag is {@code latest} when it names none. */
    static String[] split(String imageRef) {
        int slash = imageRef.lastIndexOf('/');
        int colon = imageRef.lastIndexOf(':');
        return colon > slash ? new String[] {imageRef.substring(0, colon), imageRef.substring(colon + 1)}
                : new String[] {imageRef, "latest"};
    }

    private static AuthConfig authConfig(RegistryAuth auth) {
        return auth == null ? null : new AuthConfig().withRegistryAddress(auth.host()).withUsername(auth.username())
                .withPassword(auth.password());
    }

    @Override
    public void pull(String imageRef, RegistryAuth auth, Consumer<String> progress) {
        String[] rt = split(imageRef);
        try {
            var cmd = docker.pullImageCmd(rt[0]).withTag(rt[1]);
            if (auth != null) {
                cmd.withAuthConfig(authConfig(auth));
            }
            cmd.exec(new ResultCallback.Adapter<PullResponseItem>() {
                @Override
                public void onNext(PullResponseItem item) {
                    if (item.getStatus() != null && item.getProgressDetail() == null) {
                        progress.accept(item.getStatus() + (item.getId() == null ? "" : " " + item.getId()));
                    }
                    if (item.getErrorDetail() != null) {
                        throw new EngineException(item.getErrorDetail().getMessage());
                    }
                }
            }).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while pulling " + imageRef, e);
        } catch (EngineException e) {
            throw new EngineException("cannot pull '" + imageRef + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("cannot pull '" + imageRef + "': " + detail(e), e);
        }
        if (!imageExists(imageRef)) {
            throw new EngineException("cannot pull '" + imageRef + "': the engine reported no error but does not hold it");
        }
    }

    @Override
    public void push(String imageRef, RegistryAuth auth, Consumer<String> progress) {
        String[] rt = split(imageRef);
        try {
            var cmd = docker.pushImageCmd(rt[0]).withTag(rt[1]);
            if (auth != null) {
                cmd.withAuthConfig(authConfig(auth));
            }
            cmd.exec(new ResultCallback.Adapter<PushResponseItem>() {
                @Override
                public void onNext(PushResponseItem item) {
                    if (item.getErrorDetail() != null) {
                        throw new EngineException(item.getErrorDetail().getMessage());
                    }
                    if (item.getStatus() != null && item.getProgressDetail() == null) {
                        progress.accept(item.getStatus() + (item.getId() == null ? "" : " " + item.getId()));
                    }
                }
            }).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while pushing " + imageRef, e);
        } catch (EngineException e) {
            throw new EngineException("cannot push '" + imageRef + "': " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineException("cannot push '" + imageRef + "': " + detail(e), e);
        }
    }

    @Override
    public void tag(String sourceRef, String targetRef) {
        String[] rt = split(targetRef);
        try {
            docker.tagImageCmd(sourceRef, rt[0], rt[1]).withForce().exec();
        } catch (RuntimeException e) {
            throw failure("tag " + sourceRef + " as " + targetRef, e);
        }
    }

    @Override
    public void untag(String imageRef) {
        try {
            docker.removeImageCmd(imageRef).withForce(false).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            throw new EngineException("image '" + imageRef + "' is in use by a container; remove the container first", e);
        } catch (RuntimeException e) {
            throw failure("remove image " + imageRef, e);
        }
    }

    @Override
    public Optional<ImageInfo> inspectImage(String imageRef) {
        try {
            InspectImageResponse r = docker.inspectImageCmd(imageRef).exec();
            List<String> ep = new ArrayList<>();
            if (r.getConfig() != null) {
                if (r.getConfig().getEntrypoint() != null) {
                    ep.addAll(List.of(r.getConfig().getEntrypoint()));
                }
                if (r.getConfig().getCmd() != null) {
                    ep.addAll(List.of(r.getConfig().getCmd()));
                }
            }
            List<String> layers = r.getRootFS() == null || r.getRootFS().getLayers() == null ? List.of()
                    : r.getRootFS().getLayers();
            List<String> onBuild = r.getConfig() == null || r.getConfig().getOnBuild() == null ? List.of()
                    : List.of(r.getConfig().getOnBuild());
            return Optional.of(new ImageInfo(r.getId(), r.getSize() == null ? 0 : r.getSize(), r.getOs(), r.getArch(),
                    ep, layers, onBuild));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure("inspect image " + imageRef, e);
        }
    }

    @Override
    public void build(InputStream context, String dockerfilePath, String imageRef, String networkMode, long memoryBytes,
            Consumer<String> log) {
        BuildImageResultCallback callback;
        try {
            callback = docker.buildImageCmd(context)
                    .withDockerfilePath(dockerfilePath)
                    .withTags(Set.of(imageRef))
                    .withNetworkMode(networkMode)
                    .withMemory(memoryBytes)
                    .withMemswap(memoryBytes)
                    .withPull(false)
                    .withRemove(true)
                    .withForcerm(true)
                    .exec(new BuildImageResultCallback() {
                        @Override
                        public void onNext(BuildResponseItem item) {
                            if (item.getStream() != null) {
                                log.accept(item.getStream());
                            } else if (item.getStatus() != null) {
                                log.accept(item.getStatus() + "\n");
                            }
                            if (item.getErrorDetail() != null) {
                                log.accept("ERROR: " + item.getErrorDetail().getMessage() + "\n");
                            }
                            super.onNext(item);
                        }
                    });
            if (!callback.awaitCompletion(BUILD_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                try {
                    callback.close(); // the engine stops a build whose client went away
                } catch (IOException ignored) {
                    // closing anyway
                }
                throw new EngineException("the build took longer than " + BUILD_TIMEOUT.toMinutes() + " minutes");
            }
            callback.awaitImageId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while building " + imageRef, e);
        } catch (DockerClientException e) {
            throw new EngineException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw failure("build " + imageRef, e);
        }
    }

    /** The longest a snapshot build may take. */
    public static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);

    @Override
    public void commit(String containerIdOrName, String imageRef) {
        String[] rt = split(imageRef);
        try {
            docker.commitCmd(containerIdOrName).withRepository(rt[0]).withTag(rt[1]).withPause(true).exec();
        } catch (NotFoundException e) {
            throw new EngineException("container " + containerIdOrName + " does not exist", e);
        } catch (RuntimeException e) {
            throw failure("commit " + containerIdOrName, e);
        }
    }

    private static String detail(RuntimeException e) {
        return e instanceof DockerException de ? de.getMessage() : e.getMessage() == null ? e.toString() : e.getMessage();
    }

    @Override
    public String createAndStart(ContainerSpec spec) {
        String id;
        try (CreateContainerCmd cmd = docker.createContainerCmd(spec.image())) {
            HostConfig hc = HostConfig.newHostConfig()
                    .withNanoCPUs(spec.nanoCpus())
                    .withMemory(spec.memoryBytes())
                    .withMemorySwap(spec.memoryBytes())
                    .withPidsLimit(spec.pidsLimit())
                    .withCapDrop(Capability.ALL)
                    .withCapAdd(spec.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new))
                    .withSecurityOpts(List.of("no-new-privileges"))
                    .withPrivileged(false)
                    .withNetworkMode(spec.networkMode())
                    .withInit(false)
                    .withBinds(spec.mounts().stream()
                            .map(m -> new Bind(m.hostPath(), new Volume(m.containerPath()),
                                    m.readOnly() ? AccessMode.ro : AccessMode.rw))
                            .toList());
            cmd.withName(spec.name())
                    // no image HEALTHCHECK: the engine would run it inside the sandbox at once, before the runner's
                    // network rules (and the held entrypoint) say the sandbox may run anything
                    .withHealthcheck(new com.github.dockerjava.api.model.HealthCheck().withTest(List.of("NONE")))
                    .withHostConfig(hc)
                    .withLabels(spec.labels())
                    .withEnv(spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withHostName(spec.hostname());
            if (!spec.entrypoint().isEmpty()) {
                cmd.withEntrypoint(spec.entrypoint());
            }
            if (!spec.cmd().isEmpty()) {
                cmd.withCmd(spec.cmd());
            }
            if (spec.user() != null) {
                cmd.withUser(spec.user());
            }
            id = cmd.exec().getId();
        } catch (NotFoundException e) {
            // no engine address: the message can reach a tenant as the sandbox's error reason
            throw new EngineException("image '" + spec.image() + "' is not on this runner's engine; build or import "
                    + "it first", e);
        } catch (ConflictException e) {
            throw new EngineException("a container named '" + spec.name() + "' already exists on the engine", e);
        } catch (RuntimeException e) {
            throw failure("create container " + spec.name(), e);
        }
        try {
            docker.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            remove(id);
            throw failure("start container " + spec.name(), e);
        }
        return id;
    }

    @Override
    public void start(String containerIdOrName) {
        try {
            docker.startContainerCmd(containerIdOrName).exec();
        } catch (NotModifiedException e) {
            // already running: the desired outcome
        } catch (RuntimeException e) {
            throw failure("start container " + containerIdOrName, e);
        }
    }

    @Override
    public void stop(String containerIdOrName, Duration timeout) {
        try {
            // the engine answers once the container exited: within the grace period and a kill's time
            bounded("stop container", containerIdOrName, controlTimeout.plus(timeout), () -> docker
                    .stopContainerCmd(containerIdOrName).withTimeout((int) Math.max(0, timeout.toSeconds())).exec());
        } catch (NotModifiedException e) {
            // already stopped
        } catch (RuntimeException e) {
            throw failure("stop container " + containerIdOrName, e);
        }
    }

    @Override
    public void kill(String containerIdOrName) {
        try {
            bounded("kill container", containerIdOrName, () -> docker.killContainerCmd(containerIdOrName).exec());
        } catch (ConflictException e) {
            // not running: nothing to kill
        } catch (RuntimeException e) {
            throw failure("kill container " + containerIdOrName, e);
        }
    }

    @Override
    public void pause(String containerIdOrName) {
        if (isPaused(containerIdOrName)) {
            return;
        }
        try {
            bounded("pause container", containerIdOrName, pauseTimeout(), () -> docker.pauseContainerCmd(containerIdOrName)
                    .exec());
        } catch (RuntimeException e) {
            throw failure("pause container " + containerIdOrName, e);
        }
    }

    @Override
    public void unpause(String containerIdOrName) {
        if (!isPaused(containerIdOrName)) {
            return;
        }
        try {
            bounded("unpause container", containerIdOrName, pauseTimeout(),
                    () -> docker.unpauseContainerCmd(containerIdOrName).exec());
        } catch (RuntimeException e) {
            throw failure("unpause container " + containerIdOrName, e);
        }
    }

    @Override
    public void updateLimits(String containerIdOrName, long nanoCpus, long memoryBytes) {
        try {
            docker.updateContainerCmd(containerIdOrName).withNanoCPUs(nanoCpus).withMemory(memoryBytes)
                    .withMemorySwap(memoryBytes).exec();
        } catch (RuntimeException e) {
            throw failure("change the limits of container " + containerIdOrName + " (memory below what its processes "
                    + "use cannot be set)", e);
        }
    }

    @Override
    public boolean isPaused(String containerIdOrName) {
        try {
            var state = bounded("inspect container", containerIdOrName, pauseTimeout(),
                    () -> docker.inspectContainerCmd(containerIdOrName).exec()).getState();
            return state != null && Boolean.TRUE.equals(state.getPaused());
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw failure("inspect container " + containerIdOrName, e);
        }
    }

    @Override
    public void remove(String containerIdOrName) {
        try {
            bounded("remove container", containerIdOrName, () -> docker.removeContainerCmd(containerIdOrName)
                    .withForce(true).withRemoveVolumes(true).exec());
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            // removal already in progress: the engine finishes it
        } catch (RuntimeException e) {
            throw failure("remove container " + containerIdOrName, e);
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String containerIdOrName) {
        try {
            InspectContainerResponse r = inspectBounded(containerIdOrName);
            var st = r.getState();
            ContainerStatus status = Boolean.TRUE.equals(st.getRunning()) ? ContainerStatus.RUNNING
                    : "created".equals(st.getStatus()) ? ContainerStatus.CREATED : ContainerStatus.EXITED;
            Long exit = st.getExitCodeLong();
            Long pid = st.getPidLong();
            return Optional.of(new ContainerInfo(r.getId(), stripSlash(r.getName()), status,
                    exit == null ? null : exit.intValue(), Boolean.TRUE.equals(st.getOOMKilled()),
                    pid == null ? 0 : pid.intValue(),
                    r.getConfig().getLabels() == null ? Map.of() : r.getConfig().getLabels(),
                    addresses(r.getNetworkSettings() == null ? null : r.getNetworkSettings().getNetworks())));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure("inspect container " + containerIdOrName, e);
        }
    }

    private static Map<String, String> addresses(Map<String, com.github.dockerjava.api.model.ContainerNetwork> nets) {
        Map<String, String> out = new java.util.HashMap<>();
        if (nets != null) {
            nets.forEach((name, n) -> {
                if (n != null && n.getIpAddress() != null && !n.getIpAddress().isBlank()) {
                    out.put(name, n.getIpAddress());
                }
            });
        }
        return out;
    }

    @Override
    public Optional<String> ipAddress(String containerIdOrName, String network) {
        try {
            var nets = inspectBounded(containerIdOrName).getNetworkSettings().getNetworks();
            var n = nets == null ? null : nets.get(network);
            return n == null || n.getIpAddress() == null || n.getIpAddress().isBlank() ? Optional.empty()
                    : Optional.of(n.getIpAddress());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure("inspect the network of container " + containerIdOrName, e);
        }
    }

    @Override
    public Optional<BridgeNetwork> bridge(String network) {
        try {
            var n = docker.inspectNetworkCmd().withNetworkId(network).exec();
            String iface = n.getOptions() == null ? null : n.getOptions().get("com.docker.network.bridge.name");
            var cfg = n.getIpam() == null || n.getIpam().getConfig() == null ? null
                    : n.getIpam().getConfig().stream().filter(c -> c.getSubnet() != null && !c.getSubnet().contains(":"))
                            .findFirst().orElse(null);
            if (iface == null || cfg == null) {
                return Optional.empty();
            }
            return Optional.of(new BridgeNetwork(iface, cfg.getSubnet(), cfg.getGateway()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw failure("inspect engine network " + network, e);
        }
    }

    @Override
    public List<ContainerInfo> listByLabel(String labelKey) {
        try {
            List<Container> list = docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(List.of(labelKey)).exec();
            return list.stream().map(c -> new ContainerInfo(c.getId(),
                    c.getNames() == null || c.getNames().length == 0 ? "" : stripSlash(c.getNames()[0]),
                    // paused (a commit pauses it) and restarting containers keep their processes and address
                    Set.of("running", "paused", "restarting").contains(c.getState()) ? ContainerStatus.RUNNING
                            : "created".equals(c.getState()) ? ContainerStatus.CREATED : ContainerStatus.EXITED,
                    exitCodeOf(c.getStatus()), false, 0, c.getLabels() == null ? Map.of() : c.getLabels(),
                    addresses(c.getNetworkSettings() == null ? null : c.getNetworkSettings().getNetworks()))).toList();
        } catch (RuntimeException e) {
            throw failure("list containers", e);
        }
    }

    @Override
    public AutoCloseable watch(String labelKey, java.util.function.Consumer<dev.berth.runner.engine.ContainerEvent> listener) {
        return new DockerEventWatch(docker, labelKey, listener, host);
    }

    /** The raw client, for baseline benchmarks and tests only (Berth itself goes through this adapter's methods). */
    public DockerClient client() {
        return docker;
    }

    private InspectContainerResponse inspectBounded(String container) {
        return bounded("inspect container", container, controlTimeout,
                () -> docker.inspectContainerCmd(container).exec());
    }

    @Override
    public void close() {
        calls.shutdownNow();
        try {
            docker.close();
        } catch (IOException e) {
            throw new EngineException("closing the engine client failed: " + e.getMessage(), e);
        }
    }

    private static final java.util.regex.Pattern EXITED = java.util.regex.Pattern.compile("^Exited \\((-?\\d+)\\)");

    /** The exit code in a container list's status text ("Exited (137) 3 seconds ago"), or null. */
    static Integer exitCodeOf(String status) {
        if (status == null) {
            return null;
        }
        var m = EXITED.matcher(status);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private EngineException failure(String what, RuntimeException e) {
        if (e instanceof EngineException already) {
            return already; // a deadline that passed (see bounded), already named
        }
        String detail = e instanceof DockerException de ? de.getMessage() : e.toString();
        // the message can reach a tenant (an error reason, a problem response): it names no host path or socket
        return new EngineException("the container engine failed to " + what + ": " + detail
                + (e.getCause() instanceof IOException ? " (the engine does not answer; operators: `./berth engine status`)"
                        : ""), e);
    }
}
