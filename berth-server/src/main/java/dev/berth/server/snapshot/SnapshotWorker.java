package dev.berth.server.snapshot;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.EngineException;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.engine.ContainerEngine;
import dev.berth.runner.engine.ImageInfo;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.registry.SnapshotRegistry;
import dev.berth.core.snapshot.SnapshotCopy;
import dev.berth.core.snapshot.SnapshotCopy.CopyState;
import dev.berth.core.snapshot.SnapshotPropagationPolicy;
import dev.berth.server.runner.EmbeddedRunnerRegistration;
import dev.berth.server.runner.Runner;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.runner.RunnerRepository;
import dev.berth.server.runner.RunnerState;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes recorded snapshots real, on whichever control-plane replica takes the snapshot's lease: pulls an image or
 * builds a Dockerfile on the embedded runner's engine, pushes the result to the snapshot registry (from where
 * every runner pulls it), then creates the sandboxes that waited for the build. Removes what is marked removing
 * (registry manifest, engine image, row). All of it is driven by the recorded state, so a replica that dies
 * half-way leaves work another replica redoes when the lease runs out.
 */
@Component
public class SnapshotWorker implements dev.berth.server.runner.JobMaterials {

    private static final Logger log = LoggerFactory.getLogger(SnapshotWorker.class);
    private static final Duration LEASE = Duration.ofHours(1);

    private final SnapshotRepository snapshots;
    private final SnapshotUsers users;
    private final SnapshotQuotas quotas;
    private final SnapshotBuildLogs logs;
    private final SnapshotRegistry registry;
    private final Optional<ContainerEngine> engine;
    private final Optional<SandboxRunner> runner;
    private final EmbeddedRunnerRegistration embedded;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final BerthProperties props;
    private final String replica = UUID.randomUUID().toString();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "snapshot-worker");
        t.setDaemon(true);
        return t;
    });
    private final ExecutorService builds = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "snapshot-build");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final ExecutorService propagation = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "snapshot-propagation");
        t.setDaemon(true);
        return t;
    });
    private final SnapshotPropagationPolicy policy = new SnapshotPropagationPolicy(Duration.ofMinutes(15),
            Duration.ofSeconds(30), Duration.ofMinutes(10));
    private final RunnerRepository runnerRows;
    private final RunnerRegistry runners;
    private final SnapshotCopies copies;
    private final dev.berth.core.snapshot.SnapshotRetention retention;
    private final dev.berth.server.objectstore.ObjectStorage objects;
    private final dev.berth.server.registry.OrgRegistries orgRegistries;
    private final dev.berth.server.registry.RegistryProperties registryProps;

    public SnapshotWorker(SnapshotRepository snapshots, @Lazy SnapshotUsers users, @Lazy SnapshotQuotas quotas,
            SnapshotBuildLogs logs, SnapshotRegistry registry, Optional<ContainerEngine> engine,
            Optional<SandboxRunner> runner, EmbeddedRunnerRegistration embedded, TransactionTemplate tx, Clock clock,
            BerthProperties props, RunnerRepository runnerRows, RunnerRegistry runners, SnapshotCopies copies,
            dev.berth.server.objectstore.ObjectStorage objects, dev.berth.server.registry.OrgRegistries orgRegistries,
            dev.berth.server.registry.RegistryProperties registryProps, SnapshotProperties snapshotProps) {
        this.retention = new dev.berth.core.snapshot.SnapshotRetention(snapshotProps.inactiveAfter());
        this.objects = objects;
        this.orgRegistries = orgRegistries;
        this.registryProps = registryProps;
        this.runnerRows = runnerRows;
        this.runners = runners;
        this.copies = copies;
        this.snapshots = snapshots;
        this.users = users;
        this.quotas = quotas;
        this.logs = logs;
        this.registry = registry;
        this.engine = engine;
        this.runner = runner;
        this.embedded = embedded;
        this.tx = tx;
        this.clock = clock;
        this.props = props;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        ticker.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::propagate, 2, 2, TimeUnit.SECONDS);
        ticker.scheduleWithFixedDelay(this::retire, 30, 60, TimeUnit.SECONDS);
    }

    /** Something was recorded that needs work: look now rather than at the next tick. */
    public void signal() {
        if (signalled.compareAndSet(false, true)) {
            ticker.execute(this::tick);
        }
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
        builds.shutdownNow();
        propagation.shutdownNow();
    }

    private void tick() {
        signalled.set(false);
        settleWaiting();
        try {
            for (String id : snapshots.findClaimable(EnumSet.of(SnapshotState.PENDING, SnapshotState.PULLING,
                    SnapshotState.BUILDING, SnapshotState.REMOVING), clock.instant())) {
                if (busyOrganization(id)) {
                    continue; // one build or pull per organization at a time: one tenant cannot hold every worker
                }
                Integer won = tx.execute(st -> snapshots.claim(id, replica, clock.instant().plus(LEASE), clock.instant()));
                if (won != null && won == 1) {
                    builds.execute(() -> work(id));
                }
            }
        } catch (RuntimeException e) {
            log.warn("snapshot work could not be listed: {}", e.getMessage());
        }
    }

    /**
     * Gathers where every active or inactive snapshot's image is (runner reports and recorded work), asks the
     * pure {@link SnapshotPropagationPolicy} what to send, and sends it: pulls onto runners of the snapshot's
     * region that lack it (a runner that joins later gets them too), removals from runners holding an inactive one.
     */
    private void propagate() {
        try {
            Instant now = clock.instant();
            List<Runner> all = runnerRows.findAll();
            Map<String, SnapshotCopies.Row> rows = new HashMap<>();
            for (SnapshotCopies.Row r : copies.all()) {
                rows.put(r.snapshotId() + "|" + r.runnerId(), r);
            }
            for (Snapshot s : snapshots.findByStateIn(EnumSet.of(SnapshotState.ACTIVE, SnapshotState.INACTIVE))) {
                String ref = normalize(s.getImageName());
                List<SnapshotCopy> list = new ArrayList<>();
                for (Runner r : all) {
                    SnapshotCopies.Row row = rows.get(s.getId() + "|" + r.getId());
                    boolean inRegion = s.isGeneral() || s.getRegionId() == null || s.getRegionId().equals(r.getRegion());
                    boolean holds = holds(r, row, ref);
                    if (!inRegion && !holds && row == null) {
                        continue;
                    }
                    boolean accepting = inRegion && r.getState() == RunnerState.READY && r.isSchedulable()
                            && (!r.isEmbedded() || runner.isPresent());
                    list.add(new SnapshotCopy(r.getId(), holds, row == null ? CopyState.NONE : row.state(),
                            row == null ? null : row.updatedAt(), row == null ? 0 : row.failures(), accepting));
                }
                for (SnapshotPropagationPolicy.Action a : policy.decide(s.getState() == SnapshotState.ACTIVE, list, now)) {
                    send(s, a);
                }
            }
        } catch (RuntimeException e) {
            log.warn("snapshot propagation could not look at the fleet: {}", e.getMessage());
        }
    }

    /** The name prefix of the snapshots forks are created from. */
    public static final String FORK_PREFIX = "berth-fork-";

    /** Organizations' snapshots no sandbox was created from for {@code berth.snapshots.inactive-after} become inactive. */
    private void retire() {
        try {
            Instant now = clock.instant();
            for (Snapshot s : snapshots.findByStateIn(EnumSet.of(SnapshotState.ACTIVE))) {
                if (s.getName().startsWith(FORK_PREFIX) && s.getCreatedAt().isBefore(now.minus(Duration.ofMinutes(5)))
                        && users.liveSandboxesUsing(s.getScope(), s.getName(), s.getId()) == 0) {
                    // the snapshot behind a fork lives as long as the fork
                    update(s.getId(), row -> row.moveTo(SnapshotState.REMOVING, null, now));
                    signal();
                    continue;
                }
                if (!s.isGeneral() && retention.unused(s.getLastUsedAt(), s.getCreatedAt(), now)) {
                    update(s.getId(), row -> {
                        if (row.getState() == SnapshotState.ACTIVE) {
                            row.moveTo(SnapshotState.INACTIVE, null, now);
                        }
                    });
                    log.info("snapshot {} ({}) unused since {}: inactive", s.getName(), s.getId(),
                            s.getLastUsedAt() == null ? s.getCreatedAt() : s.getLastUsedAt());
                }
            }
        } catch (RuntimeException e) {
            log.warn("unused snapshots could not be looked at: {}", e.getMessage());
        }
    }

    /** The runner's report lists it, unless a removal was recorded after that report; or a pull finished since. */
    private static boolean holds(Runner r, SnapshotCopies.Row row, String ref) {
        boolean listed = r.getImages().contains(ref);
        if (row == null) {
            return listed;
        }
        boolean newerThanReport = r.getLastHeartbeatAt() == null || row.updatedAt().isAfter(r.getLastHeartbeatAt());
        if (row.state() == CopyState.READY && newerThanReport) {
            return true;
        }
        if (row.state() == CopyState.NONE && newerThanReport) {
            return false;
        }
        return listed;
    }

    private void send(Snapshot s, SnapshotPropagationPolicy.Action a) {
        boolean pull = a.command() == SnapshotPropagationPolicy.Command.PULL;
        if (!copies.begin(s.getId(), a.runnerId(), pull ? CopyState.PULLING : CopyState.REMOVING, clock.instant(),
                Duration.ofMinutes(15))) {
            return;
        }
        propagation.execute(() -> {
            long t0 = System.nanoTime();
            try {
                var adapter = runners.byId(a.runnerId());
                if (pull) {
                    adapter.pullImage(s.getImageName());
                    copies.ready(s.getId(), a.runnerId(), clock.instant());
                } else {
                    adapter.removeImage(s.getImageName());
                    copies.removed(s.getId(), a.runnerId(), clock.instant());
                }
                embedded.refreshImages();
                log.info("snapshot {} {} runner {} in {} ms", s.getName(), pull ? "pulled onto" : "removed from",
                        a.runnerId(), (System.nanoTime() - t0) / 1_000_000);
            } catch (RuntimeException e) {
                copies.failed(s.getId(), a.runnerId(), e.getMessage(), clock.instant());
                log.info("snapshot {} could not be {} runner {}: {}", s.getName(), pull ? "pulled onto" : "removed from",
                        a.runnerId(), e.getMessage());
            }
        });
    }

    static String normalize(String ref) {
        int slash = ref.lastIndexOf('/');
        return ref.indexOf(':', slash + 1) >= 0 ? ref : ref + ":latest";
    }

    /**
     * Sandboxes still waiting for a build that has ended (it ended before they were recorded, or the replica that
     * built it died before creating them): created now, or failed with the build's reason.
     */
    private void settleWaiting() {
        try {
            for (String id : users.awaitedSnapshots()) {
                Optional<Snapshot> s = snapshots.findById(id);
                if (s.isEmpty()) {
                    users.buildFailed(id, "the snapshot being built for it was deleted");
                } else if (s.get().getState() == SnapshotState.ACTIVE) {
                    builds.execute(() -> users.buildSucceeded(id));
                } else if (s.get().getState() == SnapshotState.BUILD_FAILED || s.get().getState() == SnapshotState.ERROR
                        || s.get().getState() == SnapshotState.REMOVING) {
                    users.buildFailed(id, s.get().getErrorReason() == null ? "the snapshot is " + s.get().getState().wireName()
                            : s.get().getErrorReason());
                }
            }
        } catch (RuntimeException e) {
            log.warn("sandboxes waiting for builds could not be looked at: {}", e.getMessage());
        }
    }

    /** Another of this snapshot's organization's snapshots is being built or pulled now. */
    private boolean busyOrganization(String id) {
        Snapshot s = snapshots.findById(id).orElse(null);
        if (s == null || s.getState() == SnapshotState.REMOVING) {
            return false;
        }
        return snapshots.countWorkedOn(s.getScope(), EnumSet.of(SnapshotState.PENDING, SnapshotState.BUILDING,
                SnapshotState.PULLING), clock.instant()) > 0;
    }

    private void work(String id) {
        Snapshot s = snapshots.findById(id).orElse(null);
        if (s == null) {
            return;
        }
        try {
            if (s.getState() == SnapshotState.REMOVING) {
                remove(s);
            } else {
                make(s);
            }
        } catch (RuntimeException e) {
            log.error("snapshot {} work failed unexpectedly", id, e);
            release(id);
        }
    }

    /** A base snapshot exists but is still being made: the build waits for it instead of failing. */
    static final class BaseNotReady extends RuntimeException {
        BaseNotReady(String message) {
            super(message, null, false, false);
        }
    }

    private void make(Snapshot s) {
        boolean build = s.getDockerfile() != null;
        if (build) {
            String waitingFor = baseNotReady(s);
            if (waitingFor != null) {
                if (s.getUpdatedAt().isBefore(clock.instant().minus(Duration.ofMinutes(30)))) {
                    update(s.getId(), row -> {
                        row.moveTo(SnapshotState.BUILD_FAILED, "the base snapshot " + waitingFor
                                + " did not become active within 30 minutes", clock.instant());
                        row.release();
                    });
                } else {
                    tx.executeWithoutResult(st -> snapshots.postpone(s.getId(), clock.instant().plusSeconds(2)));
                }
                return;
            }
        }
        var out = logs.writer(s.getId());
        String local = s.getImageName();
        try {
            if (engine.isEmpty()) {
                long size = makeOnARunner(s, local, out, build);
                if (!activate(s.getId(), size)) {
                    out.line("[berth] the snapshot was deleted while it was being made\n");
                    return;
                }
                out.line("[berth] snapshot " + s.getName() + " is active (" + (size >> 20) + " MiB in the registry)\n");
                log.info("snapshot {} ({}) is active", s.getName(), s.getId());
                users.buildSucceeded(s.getId());
                return;
            }
            Optional<Snapshot> same = sameImage(s, build);
            if (same.isPresent() && copyInRegistry(same.get(), s.getScope(), local, out)) {
                long size = same.get().getSizeBytes() == null ? 0 : same.get().getSizeBytes();
                if (!activate(s.getId(), size)) {
                    out.line("[berth] the snapshot was deleted while it was being made\n");
                    return;
                }
                out.line("[berth] snapshot " + s.getName() + " is active (a copy of " + same.get().getName() + ")\n");
                log.info("snapshot {} ({}) is active, a copy of {}", s.getName(), s.getId(), same.get().getName());
                users.buildSucceeded(s.getId());
                return;
            }
            ContainerEngine eng = engine.get();
            if (build) {
                update(s.getId(), row -> row.moveTo(SnapshotState.BUILDING, null, clock.instant()));
                users.buildStarted(s.getId());
                buildImage(eng, s, local, out);
            } else {
                update(s.getId(), row -> row.moveTo(SnapshotState.PULLING, null, clock.instant()));
                pullImage(eng, s, local, out);
            }
            ImageInfo info = eng.inspectImage(local)
                    .orElseThrow(() -> new EngineException("the image vanished from the engine before it was stored"));
            long max = quotas.maxSnapshotBytes(s.getScope());
            if (!s.isGeneral() && info.sizeBytes() > max) {
                throw new EngineException("the image is " + (info.sizeBytes() >> 20) + " MiB; this organization's snapshots "
                        + "may be at most " + (max >> 30) + " GiB");
            }
            String remote = registry.remoteRef(local);
            out.line("[berth] storing the snapshot in the registry\n");
            eng.tag(local, remote);
            try {
                eng.push(remote, registry.auth(), line -> { });
            } finally {
                eng.untag(remote);
            }
            registry.layers(local).orElseThrow(() -> new EngineException("the registry does not show the pushed image"));
            embedded.refreshImages();
            if (!activate(s.getId(), info.sizeBytes())) {
                out.line("[berth] the snapshot was deleted while it was being made\n");
                return;
            }
            out.line("[berth] snapshot " + s.getName() + " is active (" + (info.sizeBytes() >> 20) + " MiB)\n");
            log.info("snapshot {} ({}) is active", s.getName(), s.getId());
        } catch (BerthException e) {
            String reason = e.getMessage();
            out.line("[berth] failed: " + reason + "\n");
            log.info("snapshot {} ({}) failed: {}", s.getName(), s.getId(), reason);
            engine.ifPresent(eng -> {
                try {
                    eng.untag(local);
                } catch (RuntimeException ignored) {
                    // best effort; the inactive sweep finds it again
                }
            });
            try {
                registry.delete(local);
            } catch (RuntimeException ignored) {
                // nothing was stored, or the registry is away; nothing refers to it
            }
            update(s.getId(), row -> {
                row.moveTo(build ? SnapshotState.BUILD_FAILED : SnapshotState.ERROR, reason, clock.instant());
                row.release();
            });
            users.buildFailed(s.getId(), reason);
            return;
        }
        users.buildSucceeded(s.getId());
    }

    /**
     * Without an embedded runner (cluster mode): the work goes to a runner of the snapshot's region as a job, with
     * its log lines posted back; a copy of another snapshot is made inside the registry. Returns the stored size
     * (the registry's, compressed).
     */
    private long makeOnARunner(Snapshot s, String local, SnapshotBuildLogs.Writer out, boolean build) {
        long max = s.isGeneral() ? 0 : quotas.maxSnapshotBytes(s.getScope());
        var resources = new dev.berth.core.sandbox.Resources(1, Math.max(1, s.getMem()), Math.max(1, s.getDisk()));
        if (build) {
            update(s.getId(), row -> row.moveTo(SnapshotState.BUILDING, null, clock.instant()));
            users.buildStarted(s.getId());
            Optional<Snapshot> same = snapshots.findBuilds(s.getScope(), s.getBuildHash(), EnumSet.of(SnapshotState.ACTIVE))
                    .stream().filter(o -> !o.getId().equals(s.getId())).findFirst();
            if (same.isPresent()) {
                out.line("[berth] the same Dockerfile was built as snapshot " + same.get().getName() + "; reusing it\n");
                registry.copy(same.get().getImageName(), local);
            } else {
                List<String> hashes = s.getContextHashes() == null ? List.of() : List.of(s.getContextHashes().split(","));
                for (String hash : hashes) {
                    try (InputStream probe = openContext(s.getScope(), hash)) {
                        // a hash the organization did not upload fails here, before a runner is asked
                    } catch (IOException e) {
                        throw new EngineException("cannot read build context " + hash + ": " + e.getMessage(), e);
                    }
                }
                List<String> names = new ArrayList<>();
                String dockerfile;
                try {
                    dockerfile = DockerfileBases.rewrite(s.getDockerfile(), name -> visibleActive(s.getScope(), name,
                            s.getId()).map(Snapshot::getImageName).orElse(null), names);
                } catch (BerthException e) {
                    throw new EngineException(e.getMessage(), e);
                }
                List<String> bases = names.stream().map(b -> visibleActive(s.getScope(), b, s.getId())
                        .or(() -> visibleActive(s.getScope(), b.replaceFirst(":latest$", ""), s.getId()))
                        .orElseThrow().getImageName()).distinct().toList();
                var adapter = runners.place(region(s), resources, bases.get(0));
                out.line("[berth] building on runner " + adapter.runnerId() + "\n");
                adapter.buildImage(s.getId(), new dev.berth.protocol.runner.ImageWork.Build(local, dockerfile, bases,
                        (long) Math.max(1, s.getMem()) << 30, max, hashes, objects.maxContextBytes()), out::line);
            }
        } else {
            update(s.getId(), row -> row.moveTo(SnapshotState.PULLING, null, clock.instant()));
            String ref = s.getSourceImage();
            Optional<Snapshot> base = visibleActive(s.getScope(), ref, s.getId());
            if (base.isPresent()) {
                out.line("[berth] copying snapshot " + base.get().getName() + " inside the registry\n");
                registry.copy(base.get().getImageName(), local);
            } else {
                refuseBerthImages(ref);
                checkPullHost(ref);
                boolean authenticated = orgRegistries.authFor(s.getScope(), ref).isPresent();
                var adapter = runners.place(region(s), resources, "berth/busybox:latest");
                adapter.importImage(s.getId(), new dev.berth.protocol.runner.ImageWork.Import(ref, local, max,
                        authenticated), out::line);
            }
        }
        var layers = registry.layers(local).orElseThrow(() -> new EngineException("the registry does not show the "
                + "stored image"));
        return layers.stream().mapToLong(SnapshotRegistry.Layer::size).sum();
    }

    private String region(Snapshot s) {
        return s.getRegionId() == null ? defaultRegion() : s.getRegionId();
    }

    /** Where a snapshot that names no region is made: where a create without a target goes (docs/runners.md). */
    public String defaultRegion() {
        return runners.defaultRegion(props.region());
    }

    private void refuseBerthImages(String ref) {
        if (ref.toLowerCase(java.util.Locale.ROOT).startsWith(registry.auth().host() + "/")) {
            throw new EngineException("imageName '" + ref + "' is in Berth's snapshot registry; name the snapshot "
                    + "instead of its image");
        }
        // as the engine names it: docker.io/berth/default is berth/default, which the pull would replace
        String n = ref.toLowerCase(java.util.Locale.ROOT).replaceFirst("^(docker\\.io|index\\.docker\\.io|"
                + "registry-1\\.docker\\.io)/", "").replaceFirst("^library/", "");
        if (n.startsWith("berth-snapshot/") || n.startsWith("berth/") || n.startsWith("berth-bench/")
                || dev.berth.core.sandbox.ArchiveImage.isArchive(n)) {
            throw new EngineException("imageName '" + ref + "': no active snapshot of that name in this organization");
        }
    }

    /** The name of a snapshot this Dockerfile builds FROM that exists but is not active yet, or null. */
    private String baseNotReady(Snapshot s) {
        for (String line : s.getDockerfile().split("\n")) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equalsIgnoreCase("FROM")) {
                String name = words[1].replaceFirst(":latest$", "");
                var found = snapshots.findVisible(s.getScope(), name).stream().findFirst();
                if (found.isPresent() && !found.get().getId().equals(s.getId())
                        && java.util.Set.of(SnapshotState.PENDING, SnapshotState.BUILDING, SnapshotState.PULLING,
                                SnapshotState.SNAPSHOTTING).contains(found.get().getState())) {
                    return found.get().getName();
                }
            }
        }
        return null;
    }

    private void pullImage(ContainerEngine eng, Snapshot s, String local, SnapshotBuildLogs.Writer out) {
        String ref = s.getSourceImage();
        Optional<Snapshot> base = visibleActive(s.getScope(), ref, s.getId());
        if (base.isPresent()) {
            out.line("[berth] copying snapshot " + base.get().getName() + "\n");
            ensureLocal(base.get().getImageName());
            eng.tag(base.get().getImageName(), local);
            return;
        }
        refuseBerthImages(ref);
        checkPullHost(ref);
        var auth = orgRegistries.authFor(s.getScope(), ref);
        out.line("[berth] pulling " + ref + (auth.isPresent() ? " with the organization's registry credentials" : "")
                + "\n");
        try {
            eng.pull(ref, auth.orElse(null), line -> out.line(line + "\n"));
        } catch (EngineException e) {
            throw new EngineException(e.getMessage() + " (Berth pulls public images anonymously from the registry the "
                    + "reference names; check the name and that this installation reaches that registry)", e);
        }
        try {
            ImageInfo info = eng.inspectImage(ref).orElseThrow();
            String engineArch = "amd64";
            if (!"linux".equals(info.os()) || info.architecture() != null && !engineArch.equals(info.architecture())) {
                throw new EngineException("image '" + ref + "' is for " + info.os() + "/" + info.architecture()
                        + "; runners here run linux/" + engineArch);
            }
            if (!info.onBuild().isEmpty()) {
                throw new EngineException("image '" + ref + "' has ONBUILD triggers, which Berth does not accept");
            }
            eng.tag(ref, local);
        } finally {
            eng.untag(ref);
        }
    }

    /**
     * Refuses a pull from a registry on a loopback, link-local or private address (the host's or the network's own
     * services, reached by the engine on a tenant's behalf) unless the operator allows it.
     */
    private void checkPullHost(String ref) {
        String host = dev.berth.server.registry.OrgRegistries.imageHost(ref);
        if (host == null || registryProps.allowPrivatePulls()) {
            return;
        }
        String name = host.startsWith("[") ? host.substring(1, host.indexOf(']')) : host.replaceFirst(":[0-9]+$", "");
        try {
            for (java.net.InetAddress a : java.net.InetAddress.getAllByName(name)) {
                if (specialUse(a)) {
                    throw new EngineException("imageName '" + ref + "': " + host + " is a loopback, link-local or "
                            + "private address; pulls from such registries are off (operators: "
                            + "berth.registry.allow-private-pulls)");
                }
            }
        } catch (java.net.UnknownHostException e) {
            throw new EngineException("imageName '" + ref + "': registry host " + host + " does not resolve", e);
        }
    }

    /** Loopback, link-local, private, shared (CGNAT), benchmark, multicast, reserved or unspecified. */
    static boolean specialUse(java.net.InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            return o0 == 0 || (o0 == 100 && o1 >= 64 && o1 < 128) || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)
                    || (o0 == 198 && (o1 == 18 || o1 == 19)) || o0 >= 240;
        }
        return (b[0] & 0xfe) == 0xfc // unique local
                || (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0
                        && b[8] == 0 && b[9] == 0 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff
                        && specialUse(v4(b))); // IPv4-mapped
    }

    private static java.net.InetAddress v4(byte[] mapped) {
        try {
            return java.net.InetAddress.getByAddress(java.util.Arrays.copyOfRange(mapped, 12, 16));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private void buildImage(ContainerEngine eng, Snapshot s, String local, SnapshotBuildLogs.Writer out) {
        Optional<Snapshot> same = snapshots.findBuilds(s.getScope(), s.getBuildHash(), EnumSet.of(SnapshotState.ACTIVE))
                .stream().filter(o -> !o.getId().equals(s.getId())).findFirst();
        if (same.isPresent()) {
            out.line("[berth] the same Dockerfile was built as snapshot " + same.get().getName() + "; reusing it\n");
            ensureLocal(same.get().getImageName());
            eng.tag(same.get().getImageName(), local);
            return;
        }
        List<String> bases = new ArrayList<>();
        String dockerfile;
        try {
            dockerfile = DockerfileBases.rewrite(s.getDockerfile(), name -> visibleActive(s.getScope(), name, s.getId())
                    .map(Snapshot::getImageName).orElse(null), bases);
        } catch (BerthException e) {
            throw new EngineException(e.getMessage(), e);
        }
        for (String b : bases) {
            ensureLocal(visibleActive(s.getScope(), b, s.getId()).or(() -> visibleActive(s.getScope(),
                    b.replaceFirst(":latest$", ""), s.getId())).orElseThrow().getImageName());
        }
        List<dev.berth.runner.image.BuildContext.Upload> uploads = new ArrayList<>();
        if (s.getContextHashes() != null) {
            for (String hash : s.getContextHashes().split(",")) {
                uploads.add(new dev.berth.runner.image.BuildContext.Upload(hash, () -> openContext(s.getScope(), hash)));
            }
        }
        try (var context = dev.berth.runner.image.BuildContext.assemble(dockerfile, uploads, objects.maxContextBytes(),
                out::line); InputStream in = context.open()) {
            out.line("[berth] building on runner " + props.runnerId() + "\n");
            long t0 = System.nanoTime();
            eng.build(in, context.dockerfileName(), local, "bridge", (long) s.getMem() << 30, out::line);
            out.line("[berth] built in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
        } catch (IOException e) {
            throw new EngineException("cannot read the build context: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream context(String snapshotId, String hash) {
        Snapshot s = snapshots.findById(snapshotId)
                .orElseThrow(() -> new dev.berth.core.error.NotFoundException("snapshot " + snapshotId + " not found"));
        if (s.getContextHashes() == null || !List.of(s.getContextHashes().split(",")).contains(hash)) {
            throw new dev.berth.core.error.NotFoundException("snapshot " + snapshotId + " names no context " + hash);
        }
        return objects.openContext(s.getScope(), hash);
    }

    @Override
    public dev.berth.protocol.runner.ImageWork.SourceAuth sourceAuth(String snapshotId) {
        Snapshot s = snapshots.findById(snapshotId)
                .orElseThrow(() -> new dev.berth.core.error.NotFoundException("snapshot " + snapshotId + " not found"));
        var auth = s.getSourceImage() == null ? Optional.<dev.berth.runner.engine.RegistryAuth>empty()
                : orgRegistries.authFor(s.getScope(), s.getSourceImage());
        return auth.map(a -> new dev.berth.protocol.runner.ImageWork.SourceAuth(a.host(), a.username(), a.password()))
                .orElseThrow(() -> new dev.berth.core.error.NotFoundException("no registry credentials for snapshot "
                        + snapshotId));
    }

    /** An organization's uploaded context, opened with its own key; a hash it did not upload fails the build. */
    InputStream openContext(String organizationId, String hash) {
        try {
            return objects.openContext(organizationId, hash);
        } catch (dev.berth.core.error.NotFoundException e) {
            throw new EngineException(e.getMessage() + " (the SDK uploads it before the build; upload it again with "
                    + "this organization's push-access credentials)", e);
        }
    }

    /** The embedded engine holds the snapshot's image (pulled from the registry when it does not). */
    private void ensureLocal(String imageRef) {
        runner.ifPresent(r -> r.ensureImage(imageRef, line -> { }));
    }

    private Optional<Snapshot> visibleActive(String org, String name, String self) {
        return snapshots.findVisible(org, name).stream()
                .filter(o -> !o.getId().equals(self) && o.getState() == SnapshotState.ACTIVE).findFirst();
    }

    private void remove(Snapshot s) {
        String local = s.getImageName();
        try {
            if (!s.isGeneral()) {
                registry.delete(local);
            }
            engine.ifPresent(eng -> {
                try {
                    eng.untag(local);
                } catch (EngineException e) {
                    log.info("snapshot {} image stays on the engine while containers use it: {}", s.getName(),
                            e.getMessage());
                }
            });
            for (Runner r : runnerRows.findAll()) {
                if (!r.isEmbedded() && r.getImages().contains(normalize(local))) {
                    try {
                        runners.byId(r.getId()).removeImage(local);
                    } catch (RuntimeException e) {
                        log.info("snapshot {} image stays on runner {}: {}", s.getName(), r.getId(), e.getMessage());
                    }
                }
            }
            copies.forgetSnapshot(s.getId());
            logs.delete(s.getId());
            tx.executeWithoutResult(st -> snapshots.findById(s.getId()).ifPresent(snapshots::delete));
            embedded.refreshImages();
            log.info("snapshot {} ({}) removed", s.getName(), s.getId());
        } catch (RuntimeException e) {
            log.warn("snapshot {} could not be removed yet: {}", s.getId(), e.getMessage());
            release(s.getId());
        }
    }

    /**
     * An active snapshot this one would be an exact copy of: the same Dockerfile and contexts built before in the
     * organization, or the snapshot an image name names.
     */
    private Optional<Snapshot> sameImage(Snapshot s, boolean build) {
        if (build) {
            return snapshots.findBuilds(s.getScope(), s.getBuildHash(), EnumSet.of(SnapshotState.ACTIVE)).stream()
                    .filter(o -> !o.getId().equals(s.getId())).findFirst();
        }
        return visibleActive(s.getScope(), s.getSourceImage(), s.getId());
    }

    /**
     * Makes {@code local} a copy of {@code source} inside the registry (no engine involved; runners pull it when
     * they need it, its layers are there already); false when the registry does not hold the source (a base image
     * imported but never stored), so the engine makes it instead.
     */
    private boolean copyInRegistry(Snapshot source, String organizationId, String local, SnapshotBuildLogs.Writer out) {
        if (registry.layers(source.getImageName()).isEmpty()) {
            return false;
        }
        long size = source.getSizeBytes() == null ? 0 : source.getSizeBytes();
        long max = quotas.maxSnapshotBytes(organizationId);
        if (size > max) {
            throw new EngineException("the image is " + (size >> 20) + " MiB; this organization's snapshots may be at "
                    + "most " + (max >> 30) + " GiB");
        }
        out.line("[berth] the same image is snapshot " + source.getName() + "; copying it inside the registry\n");
        registry.copy(source.getImageName(), local);
        if (engine.isPresent() && engine.get().imageExists(source.getImageName())) {
            engine.get().tag(source.getImageName(), local); // the embedded runner holds it at once
            embedded.refreshImages();
        }
        return true;
    }

    /** Marks a made snapshot active, unless it was marked for removal meanwhile (then the removal goes on). */
    private boolean activate(String id, long size) {
        Boolean done = tx.execute(st -> snapshots.findById(id).map(row -> {
            row.release();
            if (row.getState() != SnapshotState.BUILDING && row.getState() != SnapshotState.PULLING
                    && row.getState() != SnapshotState.PENDING) {
                snapshots.save(row);
                return false;
            }
            row.markActive(size, clock.instant());
            snapshots.save(row);
            return true;
        }).orElse(false));
        return Boolean.TRUE.equals(done);
    }

    private void release(String id) {
        update(id, Snapshot::release);
    }

    private void update(String id, java.util.function.Consumer<Snapshot> change) {
        tx.executeWithoutResult(st -> snapshots.findById(id).ifPresent(row -> {
            change.accept(row);
            snapshots.save(row);
        }));
    }
}
