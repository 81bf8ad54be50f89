package dev.berth.runner;

import dev.berth.core.error.EngineException;
import dev.berth.core.network.NetworkPolicy;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.RunnerCapabilities;
import dev.berth.protocol.SandboxSpec;
import dev.berth.runner.agent.AgentClient;
import dev.berth.runner.agent.AgentTransport;
import dev.berth.runner.agent.UnixAgentTransport;
import dev.berth.runner.engine.ContainerEngine;
import dev.berth.runner.engine.ContainerInfo;
import dev.berth.runner.engine.ContainerSpec;
import dev.berth.runner.engine.EngineInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runner's sandbox operations: turns a {@link SandboxSpec} into a locked-down container. */
public final class SandboxRunner {

    public static final String LABEL_SANDBOX = "berth.sandbox";
    public static final String LABEL_ORG = "berth.org";
    public static final String LABEL_RUNNER = "berth.runner";
    public static final String AGENT_PATH = "/.berth/agent";
    public static final String RUN_DIR = "/.berth/run";
    public static final String AGENT_SOCKET = "agent.sock";
    /** Where the agent reads its token (next to its socket: the agent's default, so older containers find it too). */
    public static final String AGENT_TOKEN = "agent.token";
    /** Created in the run directory once the sandbox's network policy is in force; the entrypoint waits for it. */
    public static final String RELEASE_FILE = "network-ready";

    /** Keeps a sandbox alive when no agent runs as its init; exits promptly on SIGTERM. */
    private static final List<String> KEEP_ALIVE =
            List.of("/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done");

    private static final Logger log = LoggerFactory.getLogger(SandboxRunner.class);

    private final ContainerEngine engine;
    private final RunnerSettings settings;
    private final SandboxDirectories dirs;
    private final EngineInfo engineInfo;
    private final AgentTokens tokens;
    private volatile dev.berth.runner.engine.RegistryAuth registry;
    private volatile dev.berth.runner.network.NetworkGuard guard;
    /** One lock per sandbox (striped): a policy change and a start of the same sandbox never interleave here. */
    private final java.util.concurrent.locks.ReentrantLock[] sandboxLocks = new java.util.concurrent.locks.ReentrantLock[64];

    {
        for (int i = 0; i < sandboxLocks.length; i++) {
            sandboxLocks[i] = new java.util.concurrent.locks.ReentrantLock();
        }
    }

    private java.util.concurrent.locks.ReentrantLock lockOf(String sandboxId) {
        return sandboxLocks[Math.floorMod(sandboxId.hashCode(), sandboxLocks.length)];
    }
    private final java.util.concurrent.ConcurrentHashMap<String, Object> pulls = new java.util.concurrent.ConcurrentHashMap<>();

    public SandboxRunner(ContainerEngine engine, RunnerSettings settings) {
        this.engine = engine;
        this.settings = settings;
        this.engineInfo = engine.info();
        this.dirs = new SandboxDirectories(settings.dataDir().toAbsolutePath().resolve("sandboxes"),
                engineInfo.userNamespaceRemap() ? RemappedRoot.hostUid() : 0);
        this.tokens = new AgentTokens(settings.dataDir());
        checkSocketPathFits(settings.dataDir());
    }

    /** Enforces sandboxes' network policies from now on (installs its rules); without one, a policy is refused. */
    public void useNetworkGuard(dev.berth.runner.network.NetworkGuard g) {
        g.install();
        this.guard = g;
    }

    public boolean enforcesNetworkPolicy() {
        return guard != null;
    }

    private void checkEnforceable(String sandboxId, NetworkPolicy policy) {
        if (policy.restricted() && guard == null) {
            throw new dev.berth.core.error.UnprocessableException("runner " + settings.runnerId() + " does not enforce "
                    + "network policies (no network guard: it needs nft and root); sandbox " + sandboxId
                    + " was not changed");
        }
        if (!policy.blockAll() && !policy.domains().isEmpty() && (guard == null || !guard.enforcesDomainLists())) {
            throw new dev.berth.core.error.UnprocessableException("runner " + settings.runnerId() + " does not enforce "
                    + "domainAllowList (its DNS proxy has no upstream resolver); use networkAllowList with CIDRs");
        }
    }

    /**
     * Puts the sandbox's policy in force for its running container (its address now), or removes what an earlier
     * run left when it runs no more. Called after every start, before the entrypoint is released.
     */
    private void enforce(String sandboxId, NetworkPolicy policy) {
        var g = guard;
        if (g == null) {
            return;
        }
        String ip = engine.ipAddress(containerName(sandboxId), settings.networkMode()).orElse(null);
        if (ip == null) {
            if (policy.restricted() || observe(sandboxId).status() == ContainerStatus.RUNNING) {
                // a running sandbox with no address on the bridge has no network to guard; anything else is odd
                log.debug("sandbox {} has no address on {}", sandboxId, settings.networkMode());
            }
            g.release(sandboxId);
            return;
        }
        g.apply(sandboxId, ip, policy);
    }

    /**
     * Changes a sandbox's network policy: recorded for its next starts and, when it runs, in force at once (one nft
     * transaction). Refused, with nothing changed, when this runner cannot enforce it.
     */
    public void applyNetworkPolicy(String sandboxId, NetworkPolicy policy) {
        var lock = lockOf(sandboxId);
        lock.lock();
        try {
            applyNetworkPolicyLocked(sandboxId, policy);
        } finally {
            lock.unlock();
        }
    }

    private void applyNetworkPolicyLocked(String sandboxId, NetworkPolicy policy) {
        checkEnforceable(sandboxId, policy);
        NetworkPolicy before = dirs.readPolicy(sandboxId);
        dirs.writePolicy(sandboxId, policy);
        if (observe(sandboxId).status() == ContainerStatus.RUNNING) {
            try {
                enforce(sandboxId, policy);
            } catch (RuntimeException e) {
                dirs.writePolicy(sandboxId, before);
                throw e;
            }
        }
        log.info("sandbox {} network policy: {}", sandboxId, describe(policy));
    }

    static String describe(NetworkPolicy p) {
        return p.blockAll() ? "block all" : !p.restricted() ? "defaults"
                : "allow " + (p.allow().isEmpty() ? "" : p.allowListString() + " ")
                        + (p.domains().isEmpty() ? "" : "names " + p.domainListString());
    }

    /** The longest path a unix socket can have (sun_path holds 108 bytes with the terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;

    /**
     * Every sandbox's agent socket lives under the data directory; a path longer than a unix socket
     * allows could never be connected to, so a data directory that is too long is refused at start.
     */
    private void checkSocketPathFits(Path dataDir) {
        String longest = agentSocket("00000000-0000-0000-0000-000000000000").toString();
        int over = longest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - MAX_SOCKET_PATH;
        if (over > 0) {
            String dir = dataDir.toAbsolutePath().toString();
            throw new IllegalArgumentException("the data directory " + dir + " is too long: a sandbox's agent socket ("
                    + longest + ") would exceed the " + MAX_SOCKET_PATH + "-byte limit of unix socket paths; use a "
                    + "data directory of at most " + (dir.getBytes(java.nio.charset.StandardCharsets.UTF_8).length - over)
                    + " bytes");
        }
    }

    public static String containerName(String sandboxId) {
        return "berth-" + sandboxId;
    }

    public RunnerCapabilities capabilities() {
        return new RunnerCapabilities(engineInfo.version(), engineInfo.storageDriver(),
                engineInfo.diskQuotaSupported(), engineInfo.userNamespaceRemap(), agentAvailable());
    }

    public boolean agentAvailable() {
        return settings.agentBinary() != null && Files.isExecutable(settings.agentBinary());
    }

    public String runnerId() {
        return settings.runnerId();
    }

    public ContainerEngine engine() {
        return engine;
    }

    /** Host path of the agent's socket for a sandbox. */
    public Path agentSocket(String sandboxId) {
        return dirs.runDir(sandboxId).resolve(AGENT_SOCKET);
    }

    /**
     * How this host reaches a sandbox's agent: its socket, never through a symlink, proving the sandbox's
     * token on every connection (docs/security.md, "Agent socket").
     */
    public AgentTransport agentTransport(String sandboxId) {
        return new UnixAgentTransport(agentSocket(sandboxId), tokens.of(sandboxId), sandboxId);
    }

    /** A client for the agent inside a sandbox (cheap: one unix-socket connection per operation). */
    public AgentClient agent(String sandboxId) {
        return new AgentClient(agentTransport(sandboxId), java.time.Duration.ofSeconds(5));
    }

    /** The most cores one sandbox can be given here: the engine host's cores (the engine refuses more). */
    public int maxSandboxCpu() {
        return engineInfo.cpus() > 0 ? engineInfo.cpus() : Integer.MAX_VALUE;
    }

    /**
     * Idempotent against what is observed, so a create finished by the reconciler after its first request died
     * half-way makes one sandbox: a container that runs is only waited for, one that exists is started.
     */
    /** The snapshot registry this runner pulls missing snapshot images from (given by the control plane). */
    public void useRegistry(dev.berth.runner.engine.RegistryAuth auth) {
        this.registry = auth;
    }

    /**
     * Makes a snapshot's image present on this runner's engine: pulled from the snapshot registry under its
     * registry name and given its local name. One pull per image at a time; a no-op when the engine has it.
     *
     * @return true when it had to be pulled
     */
    public boolean ensureImage(String imageRef, java.util.function.Consumer<String> progress) {
        if (engine.imageExists(imageRef)) {
            return false;
        }
        var auth = registry;
        if (auth == null) {
            throw new EngineException("image '" + imageRef + "' is not on runner " + settings.runnerId()
                    + " and this runner has no snapshot registry to pull it from");
        }
        synchronized (pulls.computeIfAbsent(imageRef, k -> new Object())) {
            try {
                if (engine.imageExists(imageRef)) {
                    return false;
                }
                String remote = auth.host() + "/" + imageRef;
                long t0 = System.nanoTime();
                engine.pull(remote, auth, progress);
                engine.tag(remote, imageRef);
                engine.untag(remote);
                log.info("pulled {} from the snapshot registry in {} ms", imageRef, (System.nanoTime() - t0) / 1_000_000);
                return true;
            } finally {
                pulls.remove(imageRef);
            }
        }
    }

    /**
     * Commits the sandbox's file system changes as one layer over its image, named {@code imageRef}, and pushes it
     * to the snapshot registry (only the new layer travels: the registry has the ones below). Returns the bytes the
     * new layer adds, as the registry will store them is not known here; the caller reads the registry.
     */
    public void commitAndPush(String sandboxId, String imageRef) {
        registryAuth();
        withLock(sandboxId, () -> engine.commit(containerName(sandboxId), imageRef)); // not while paused or resumed
        push(imageRef);
    }

    private dev.berth.runner.engine.RegistryAuth registryAuth() {
        var auth = registry;
        if (auth == null) {
            throw new EngineException("runner " + settings.runnerId() + " has no snapshot registry to store a snapshot in");
        }
        return auth;
    }

    /** Pushes a snapshot image to the snapshot registry under its registry name. */
    private void push(String imageRef) {
        var auth = registryAuth();
        String remote = auth.host() + "/" + imageRef;
        engine.tag(imageRef, remote);
        try {
            engine.push(remote, auth, line -> { });
        } finally {
            engine.untag(remote);
        }
    }

    /**
     * Builds a snapshot image from a build context (a tar stream with the Dockerfile at {@code dockerfilePath}) on this
     * runner's engine, after pulling its base snapshots from the registry, and pushes it. The image stays here (this
     * runner holds the snapshot); a failure leaves no image behind.
     *
     * @return the image's size in bytes
     */
    public long buildAndPush(java.io.InputStream context, String dockerfilePath, String imageRef,
            java.util.List<String> bases, long memoryBytes, long maxBytes, java.util.function.Consumer<String> log) {
        for (String b : bases) {
            if (ensureImage(b, line -> { })) {
                log.accept("[berth] pulled base " + b + " onto runner " + settings.runnerId() + "\n");
            }
        }
        log.accept("[berth] building on runner " + settings.runnerId() + "\n");
        long t0 = System.nanoTime();
        try {
            engine.build(context, dockerfilePath, imageRef, settings.networkMode(), memoryBytes, log);
            log.accept("[berth] built in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
            return checkAndPush(imageRef, maxBytes, log);
        } catch (RuntimeException e) {
            engine.untag(imageRef);
            throw e;
        }
    }

    /** Pulls {@code source} (with {@code auth}, or anonymously), checks it, names it {@code imageRef} and pushes it. */
    public long importAndPush(String source, dev.berth.runner.engine.RegistryAuth auth, String imageRef, long maxBytes,
            java.util.function.Consumer<String> log) {
        log.accept("[berth] pulling " + source + " on runner " + settings.runnerId() + "\n");
        engine.pull(source, auth, line -> log.accept(line + "\n"));
        try {
            var info = engine.inspectImage(source).orElseThrow(() -> new EngineException("the pulled image vanished"));
            if (!"linux".equals(info.os()) || info.architecture() != null && !"amd64".equals(info.architecture())) {
                throw new EngineException("image '" + source + "' is for " + info.os() + "/" + info.architecture()
                        + "; runners here run linux/amd64");
            }
            if (!info.onBuild().isEmpty()) {
                throw new EngineException("image '" + source + "' has ONBUILD triggers, which Berth does not accept");
            }
            engine.tag(source, imageRef);
        } finally {
            engine.untag(source);
        }
        try {
            return checkAndPush(imageRef, maxBytes, log);
        } catch (RuntimeException e) {
            engine.untag(imageRef);
            throw e;
        }
    }

    /**
     * Makes one of Berth's base images on this runner's engine (its rootfs from the builder's cache, or built from
     * Debian packages, which takes minutes) and pushes it to the snapshot registry, from where every runner pulls it.
     *
     * @return the size of its rootfs tarball in bytes
     */
    public long storeBaseImage(dev.berth.runner.image.BaseImageBuilder builder, dev.berth.runner.image.BaseImage image,
            java.util.function.Consumer<String> log) {
        registryAuth();
        log.accept("[berth] making " + image.imageRef() + " on runner " + settings.runnerId() + " with "
                + image.builderScript() + " (a few minutes unless its rootfs is cached)\n");
        long t0 = System.nanoTime();
        long size = builder.ensure(image);
        log.accept("[berth] " + image.imageRef() + " is on the engine after " + (System.nanoTime() - t0) / 1_000_000
                + " ms; storing it in the registry\n");
        push(image.imageRef());
        return size;
    }

    /** A build context holding only a Dockerfile (named {@code Dockerfile}). */
    public static byte[] dockerfileOnlyContext(String dockerfile) {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            byte[] c = dockerfile.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("Dockerfile");
            e.setSize(c.length);
            e.setMode(0644);
            tar.putArchiveEntry(e);
            tar.write(c);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new EngineException("cannot assemble a build context: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    private long checkAndPush(String imageRef, long maxBytes, java.util.function.Consumer<String> log) {
        var info = engine.inspectImage(imageRef).orElseThrow(() -> new EngineException("the image vanished before it "
                + "was stored"));
        if (maxBytes > 0 && info.sizeBytes() > maxBytes) {
            throw new EngineException("the image is " + (info.sizeBytes() >> 20) + " MiB; this organization's snapshots "
                    + "may be at most " + (maxBytes >> 20) + " MiB");
        }
        log.accept("[berth] storing the snapshot in the registry\n");
        push(imageRef);
        return info.sizeBytes();
    }

    /** Removes a snapshot's image from this runner's engine (a no-op when it is absent). */
    public void removeImage(String imageRef) {
        engine.untag(imageRef);
    }

    public ObservedSandbox create(SandboxSpec spec) {
        var lock = lockOf(spec.sandboxId());
        lock.lock();
        try {
            return createLocked(spec);
        } finally {
            lock.unlock();
        }
    }

    private ObservedSandbox createLocked(SandboxSpec spec) {
        if (spec.nanoCpus() > (long) maxSandboxCpu() * 1_000_000_000L) {
            throw new dev.berth.core.error.UnprocessableException("a sandbox on runner " + settings.runnerId()
                    + " can have at most " + maxSandboxCpu() + " cores (its host has " + maxSandboxCpu()
                    + "); request fewer");
        }
        // validated again here: a runner trusts no caller with what reaches nft
        NetworkPolicy policy = NetworkPolicy.of(spec.networkBlockAll(), spec.networkAllowList(), spec.domainAllowList());
        checkEnforceable(spec.sandboxId(), policy);
        ensureImage(spec.imageRef(), line -> { });
        Path runDir = dirs.prepare(spec.sandboxId());
        dirs.writePolicy(spec.sandboxId(), policy);
        dirs.clearRelease(spec.sandboxId());
        Map<String, String> labels = new HashMap<>();
        labels.put(LABEL_SANDBOX, spec.sandboxId());
        labels.put(LABEL_ORG, spec.organizationId());
        labels.put(LABEL_RUNNER, settings.runnerId());
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        List<String> entrypoint;
        if (agentAvailable()) {
            dirs.writeToken(spec.sandboxId(), tokens.of(spec.sandboxId()));
            mounts.add(new ContainerSpec.Mount(settings.agentBinary().toString(), AGENT_PATH, true));
            mounts.add(new ContainerSpec.Mount(runDir.toString(), RUN_DIR, false));
            entrypoint = new ArrayList<>(List.of(AGENT_PATH, "--socket", RUN_DIR + "/" + AGENT_SOCKET,
                    "--hold-until", RUN_DIR + "/" + RELEASE_FILE, "--"));
            entrypoint.addAll(spec.entrypoint());
        } else {
            entrypoint = KEEP_ALIVE;
        }
        var containerSpec = new ContainerSpec(containerName(spec.sandboxId()), spec.imageRef(), entrypoint, List.of(),
                spec.env(), labels, spec.nanoCpus(), spec.memoryBytes(), spec.pidsLimit(), settings.capAdd(), mounts,
                null, "sandbox-" + spec.sandboxId().substring(0, Math.min(12, spec.sandboxId().length())),
                settings.networkMode());
        try {
            engine.createAndStart(containerSpec);
        } catch (EngineException e) {
            // looked at only when the create failed (no extra engine call on the common path)
            ContainerStatus existing = observe(spec.sandboxId()).status();
            if (existing == ContainerStatus.MISSING) {
                dirs.remove(spec.sandboxId());
                throw e;
            }
            start(spec.sandboxId()); // puts the recorded policy in force before it releases the entrypoint
            log.info("sandbox {} container was already there ({}); started on runner {}", spec.sandboxId(),
                    existing.name().toLowerCase(), settings.runnerId());
            return new ObservedSandbox(spec.sandboxId(), ContainerStatus.RUNNING, null, false);
        }
        try {
            enforce(spec.sandboxId(), policy);
        } catch (RuntimeException e) {
            // never leave a sandbox running more open than asked: the create fails and its container goes
            log.warn("sandbox {}: network policy not applied, removing its container: {}", spec.sandboxId(),
                    e.getMessage());
            destroy(spec.sandboxId());
            throw e;
        }
        dirs.release(spec.sandboxId());
        awaitAgent(spec.sandboxId());
        log.info("sandbox {} container started on runner {}", spec.sandboxId(), settings.runnerId());
        return new ObservedSandbox(spec.sandboxId(), ContainerStatus.RUNNING, null, false);
    }

    /**
     * Idempotent against what is observed: a container that already runs (a retried start, a start of a
     * sandbox recorded in error whose container kept running) is only waited for. Removing its agent's socket
     * would make it unreachable for good: the engine's start is a no-op on it, so no agent binds again.
     */
    public void start(String sandboxId) {
        var lock = lockOf(sandboxId);
        lock.lock();
        try {
            startLocked(sandboxId);
        } finally {
            lock.unlock();
        }
    }

    private void startLocked(String sandboxId) {
        NetworkPolicy policy = dirs.readPolicy(sandboxId);
        // a start of a sandbox left frozen (a resume that failed half-way) thaws it: 'started' means running
        engine.unpause(containerName(sandboxId));
        if (observe(sandboxId).status() == ContainerStatus.RUNNING) {
            try {
                enforce(sandboxId, policy); // idempotent; puts it back where the rules were lost (a host reboot)
            } catch (RuntimeException e) {
                if (policy.restricted()) {
                    log.warn("sandbox {}: network policy not applied, stopping it: {}", sandboxId, e.getMessage());
                    engine.kill(containerName(sandboxId));
                }
                throw e;
            }
            dirs.release(sandboxId);
            awaitAgent(sandboxId);
            return;
        }
        dirs.clearRelease(sandboxId);
        try {
            // the old process's socket: wait for the new one (unlink removes a planted symlink itself, never its target)
            Files.deleteIfExists(agentSocket(sandboxId));
        } catch (IOException e) {
            log.debug("could not remove stale agent socket of {}: {}", sandboxId, e.getMessage());
        }
        if (agentAvailable()) {
            // rewritten at every start: a sandbox made before tokens existed gets one, a tampered one is replaced
            dirs.writeToken(sandboxId, tokens.of(sandboxId));
        }
        engine.start(containerName(sandboxId));
        try {
            enforce(sandboxId, policy);
        } catch (RuntimeException e) {
            log.warn("sandbox {}: network policy not applied, stopping it: {}", sandboxId, e.getMessage());
            engine.kill(containerName(sandboxId));
            throw e;
        }
        dirs.release(sandboxId);
        awaitAgent(sandboxId);
    }

    /**
     * "started" promises a working toolbox (the SDK has no readiness probe): wait, with a deadline,
     * until the agent accepts a connection on its socket (the file alone appears at bind, before the
     * agent listens). An image that cannot run the agent fails here loudly.
     */
    private void awaitAgent(String sandboxId) {
        if (!agentAvailable()) {
            return;
        }
        Path socket = agentSocket(sandboxId);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (!accepts(socket)) {
            if (System.nanoTime() > deadline) {
                throw new EngineException("the agent of sandbox " + sandboxId + " did not start within 15 s; "
                        + "see the container's log (docker logs " + containerName(sandboxId) + ")");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // poll the socket, 2 ms
        }
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(socket)) {
            return false; // not there yet; a symlink is never followed (the first real call reports it)
        }
        try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            return ch.connect(java.net.UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false; // bound but not listening yet
        }
    }

    public void stop(String sandboxId) {
        stop(sandboxId, false);
    }

    /** @param force kill at once (SIGKILL) instead of SIGTERM and the stop timeout */
    public void stop(String sandboxId, boolean force) {
        // a frozen container cannot act on SIGTERM: thaw it first, so its processes may end cleanly
        engine.unpause(containerName(sandboxId));
        if (force) {
            engine.kill(containerName(sandboxId));
            engine.stop(containerName(sandboxId), java.time.Duration.ZERO); // returns once it has exited
        } else {
            engine.stop(containerName(sandboxId), settings.stopTimeout());
        }
        releaseNetwork(sandboxId); // its address goes back to the engine: no rule may follow it to another sandbox
    }

    private void releaseNetwork(String sandboxId) {
        var g = guard;
        if (g != null) {
            g.release(sandboxId);
        }
    }

    /** Freezes the sandbox's processes (memory kept, CPU freed); a paused sandbox stays paused. */
    public void pause(String sandboxId) {
        // serialized with the sandbox's starts and commits (a commit pauses the container itself and thaws it after)
        withLock(sandboxId, () -> engine.pause(containerName(sandboxId)));
    }

    private void withLock(String sandboxId, Runnable work) {
        var lock = lockOf(sandboxId);
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** New CPU and memory limits, live when the sandbox runs (checked against the host's cores like a create). */
    public void resize(String sandboxId, long nanoCpus, long memoryBytes) {
        if (nanoCpus > maxSandboxCpu() * 1_000_000_000L) {
            throw new IllegalArgumentException("cpu " + nanoCpus / 1_000_000_000L + " is more than one sandbox can have "
                    + "on this runner (its host has " + maxSandboxCpu() + " cores)");
        }
        engine.updateLimits(containerName(sandboxId), nanoCpus, memoryBytes);
    }

    /** Thaws a paused sandbox; one that is not paused is left as it is. */
    public void resume(String sandboxId) {
        withLock(sandboxId, () -> engine.unpause(containerName(sandboxId)));
    }

    public void destroy(String sandboxId) {
        engine.unpause(containerName(sandboxId));
        engine.remove(containerName(sandboxId));
        releaseNetwork(sandboxId);
        dirs.remove(sandboxId);
    }

    public ObservedSandbox observe(String sandboxId) {
        Optional<ContainerInfo> info = engine.inspect(containerName(sandboxId));
        return info.map(i -> new ObservedSandbox(sandboxId, i.status(), i.exitCode(), i.oomKilled()))
                .orElseGet(() -> ObservedSandbox.missing(sandboxId));
    }

    /**
     * The network rules of the running sandboxes, checked against what each one's recorded policy wants (after a
     * host reboot, a firewall reload or an engine restart that took the table with it). Never fails the inventory.
     */
    private void reassertNetwork(Map<String, ContainerInfo> containers, java.util.Set<String> others, long listedAt) {
        var g = guard;
        if (g == null) {
            return;
        }
        try {
            Map<String, Map.Entry<String, NetworkPolicy>> running = new HashMap<>();
            containers.forEach((id, c) -> {
                String ip = c.addresses().get(settings.networkMode());
                if (id != null && c.status() == ContainerStatus.RUNNING && ip != null) {
                    running.put(id, Map.entry(ip, dirs.readPolicy(id)));
                }
            });
            g.reconcile(running, others, listedAt, (id, ip) -> ip.equals(
                    engine.ipAddress(containerName(id), settings.networkMode()).orElse(null)));
        } catch (RuntimeException e) {
            log.warn("could not check the sandboxes' network rules: {}", e.getMessage());
        }
    }

    /** Every Berth sandbox container on this runner's engine, keyed by sandbox id. */
    public Map<String, ContainerInfo> inventory() {
        long listedAt = System.nanoTime();
        Map<String, ContainerInfo> out = new HashMap<>();
        java.util.Set<String> others = new java.util.HashSet<>();
        for (ContainerInfo c : engine.listByLabel(LABEL_SANDBOX)) {
            String owner = c.labels().get(LABEL_RUNNER);
            String sandbox = c.labels().get(LABEL_SANDBOX);
            if (sandbox == null || !containerName(sandbox).equals(c.name())) {
                // labels can come from an image (a build's RUN container carries its Dockerfile's LABELs): only the
                // container Berth named after the sandbox is the sandbox
                continue;
            }
            if (owner == null || owner.equals(settings.runnerId())) {
                out.put(c.labels().get(LABEL_SANDBOX), c);
            } else if (c.status() == ContainerStatus.RUNNING) {
                String ip = c.addresses().get(settings.networkMode());
                if (ip != null) {
                    others.add(ip);
                }
            }
        }
        reassertNetwork(out, others, listedAt);
        return out;
    }
}
