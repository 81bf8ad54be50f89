package dev.berth.server.snapshot;

import dev.berth.core.error.BerthException;
import dev.berth.protocol.runner.RunnerProtocol;
import dev.berth.runner.image.BaseImage;
import dev.berth.runner.image.BaseImageBuilder;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.registry.SnapshotRegistry;
import dev.berth.server.runner.Runner;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.runner.RunnerRepository;
import dev.berth.server.runner.RunnerState;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cluster mode (no embedded runner): {@code berth/default} is built by a runner. The first ready runner that speaks
 * protocol v4 gets a BUILD_BASE_IMAGE job: it builds the rootfs (or takes it from its image cache), imports it and
 * pushes it to the snapshot registry; the snapshot is then active and the snapshot worker pulls it onto the other
 * runners. While nothing can build it, the snapshot's reason says why; a failed build is {@code error} with the
 * runner's reason and is tried again after a back-off (30 s, doubling, at most 10 minutes). The work is claimed on
 * the snapshot's row, so one replica does it; a replica that dies mid-build leaves a lease another takes over.
 */
@Component
public class BaseImageRunnerBuilds {

    private static final Logger log = LoggerFactory.getLogger(BaseImageRunnerBuilds.class);
    private static final BaseImage IMAGE = BaseImage.DEFAULT;
    /** Longer than the job's own timeout, so a live build is never taken over. */
    private static final Duration LEASE = dev.berth.protocol.runner.JobType.BUILD_BASE_IMAGE.timeout().plusMinutes(5);
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);

    private final boolean enabled;
    private final SnapshotRepository snapshots;
    private final SnapshotBuildLogs logs;
    private final RunnerRepository runnerRows;
    private final RunnerRegistry runners;
    private final SnapshotRegistry registry;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final String replica = UUID.randomUUID().toString();
    private int failures;
    /**
     * The runner whose build failed last (this replica's view, like {@link #failures}: another replica that claims
     * the build starts from the lowest id again, which costs one more try, not correctness).
     */
    private String lastFailed;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "base-image-builds");
        t.setDaemon(true);
        return t;
    });

    public BaseImageRunnerBuilds(Optional<BaseImageBuilder> embeddedBuilder, BerthProperties props,
            SnapshotRepository snapshots, SnapshotBuildLogs logs, RunnerRepository runnerRows, RunnerRegistry runners,
            SnapshotRegistry registry, TransactionTemplate tx, Clock clock) {
        this.enabled = embeddedBuilder.isEmpty() && props.images().buildDefault();
        this.snapshots = snapshots;
        this.logs = logs;
        this.runnerRows = runnerRows;
        this.runners = runners;
        this.registry = registry;
        this.tx = tx;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        if (enabled) {
            ticker.scheduleWithFixedDelay(this::tick, 2, 2, TimeUnit.SECONDS);
        }
    }

    /** The back-off after {@code failures} failed builds in a row: 30 s, doubling, at most 10 minutes. */
    static Duration retryAfter(int failures) {
        if (failures <= 1) {
            return FIRST_RETRY;
        }
        long s = FIRST_RETRY.toSeconds() << Math.min(failures - 1, 10);
        return Duration.ofSeconds(Math.min(s, MAX_RETRY.toSeconds()));
    }

    private void tick() {
        try {
            Snapshot s = snapshots.findByScopeAndName(Snapshot.GENERAL, IMAGE.snapshotName()).orElse(null);
            if (s == null || s.getState() == SnapshotState.ACTIVE || s.getState() == SnapshotState.INACTIVE) {
                return;
            }
            Instant now = clock.instant();
            Integer won = tx.execute(st -> snapshots.claim(s.getId(), replica, now.plus(LEASE), now));
            if (won == null || won != 1) {
                return; // another replica builds it, or a failed build waits for its retry time
            }
            List<String> ready = runnerRows.findAll().stream()
                    .filter(r -> !r.isEmbedded() && r.getState() == RunnerState.READY && r.isSchedulable()
                            && r.isEngineHealthy() && r.getProtocolVersion() >= RunnerProtocol.V4)
                    .map(Runner::getId).toList();
            Optional<String> builder = pickBuilder(ready, lastFailed);
            if (builder.isEmpty()) {
                update(s.getId(), row -> {
                    if (row.getState() != SnapshotState.ERROR) {
                        row.moveTo(SnapshotState.PENDING, "waiting for a ready runner (protocol v" + RunnerProtocol.V4
                                + " or later) to build it on", now);
                    }
                });
                postpone(s.getId(), now.plusSeconds(2));
                return;
            }
            build(s, builder.get());
        } catch (RuntimeException e) {
            log.warn("the build of {} could not be looked at: {}", IMAGE.snapshotName(), e.getMessage());
        }
    }

    private void build(Snapshot s, String runnerId) {
        Instant started = clock.instant();
        var out = logs.writer(s.getId());
        update(s.getId(), row -> row.moveTo(SnapshotState.BUILDING, "being built on runner " + runnerId + " since "
                + started + " (minutes from Debian packages, seconds from the runner's image cache)", started));
        out.line("[berth] building " + IMAGE.imageRef() + " on runner " + runnerId + "\n");
        log.info("snapshot {}: building on runner {}", IMAGE.snapshotName(), runnerId);
        try {
            runners.byId(runnerId).buildBaseImage(s.getId(), IMAGE.imageRef());
            // the manifest and every blob it names must be there: a runner's word is not enough
            long size = registry.verify(IMAGE.imageRef()).stream().mapToLong(SnapshotRegistry.Layer::size).sum();
            update(s.getId(), row -> {
                row.markActive(size, clock.instant());
                row.release();
            });
            failures = 0;
            lastFailed = null;
            out.line("[berth] snapshot " + IMAGE.snapshotName() + " is active (" + (size >> 20) + " MiB in the registry)\n");
            log.info("snapshot {} is active: built on runner {} in {} s", IMAGE.snapshotName(), runnerId,
                    Duration.between(started, clock.instant()).toSeconds());
        } catch (RuntimeException e) {
            // any failure, the runner's (its text is its own: attributed and bounded, since every tenant whose
            // create names no snapshot reads it) or ours (a manifest we cannot read), counts and backs off
            failures++;
            lastFailed = runnerId;
            Instant retry = clock.instant().plus(retryAfter(failures));
            String why = e instanceof BerthException ? e.getMessage() : e.toString();
            String reason = "the build on runner " + runnerId + " failed: " + bounded(why) + "; tried " + failures
                    + " time(s), next at " + retry + (failures > 1 ? " (on another ready runner, if there is one)" : "");
            update(s.getId(), row -> row.moveTo(SnapshotState.ERROR, reason, clock.instant()));
            postpone(s.getId(), retry);
            out.line("[berth] failed: " + reason + "\n");
            log.warn("snapshot {} failed to build on runner {}: {}", IMAGE.snapshotName(), runnerId, reason);
        }
    }

    /**
     * The runner to build on: the lowest id among the ready ones, but after a failure the next one after the runner
     * that failed (so a broken runner does not keep the image from ever being built while others stand idle). Only
     * the control plane's view of readiness counts: what a runner says it holds has no say, so a runner cannot make
     * itself the builder of the image every tenant's default sandbox runs.
     */
    static Optional<String> pickBuilder(List<String> readyRunnerIds, String lastFailed) {
        List<String> ids = readyRunnerIds.stream().sorted().toList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        if (lastFailed != null) {
            for (String id : ids) {
                if (id.compareTo(lastFailed) > 0) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.of(ids.get(0));
    }

    /** A runner's error text, as much of it as an error reason needs, with no control characters. */
    static String bounded(String text) {
        String flat = text == null ? "" : text.replaceAll("\\p{Cntrl}", " ").strip();
        return flat.length() <= 500 ? flat : flat.substring(0, 500) + "…";
    }

    private void postpone(String id, Instant until) {
        tx.executeWithoutResult(st -> snapshots.postpone(id, until));
    }

    private void update(String id, Consumer<Snapshot> change) {
        tx.executeWithoutResult(st -> snapshots.findById(id).ifPresent(row -> {
            change.accept(row);
            snapshots.save(row);
        }));
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
    }
}
