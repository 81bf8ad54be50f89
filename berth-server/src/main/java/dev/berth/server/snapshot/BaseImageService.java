package dev.berth.server.snapshot;

import dev.berth.core.error.BerthException;
import dev.berth.runner.image.BaseImage;
import dev.berth.runner.image.BaseImageBuilder;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.EmbeddedRunnerRegistration;
import dev.berth.server.runner.RunnerRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers Berth's base images as general snapshots and builds them in the background on first
 * start: busybox first (seconds; the runner is ready once it is), then the debootstrap default.
 */
@Service
public class BaseImageService {

    private static final Logger log = LoggerFactory.getLogger(BaseImageService.class);

    private final SnapshotRepository snapshots;
    private final Optional<BaseImageBuilder> builder;
    private final EmbeddedRunnerRegistration embedded;
    private final RunnerRegistry runners;
    private final BerthProperties props;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final dev.berth.server.registry.SnapshotRegistry registry;
    private final Optional<dev.berth.runner.engine.ContainerEngine> engine;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "base-images");
        t.setDaemon(true);
        return t;
    });

    public BaseImageService(SnapshotRepository snapshots, Optional<BaseImageBuilder> builder,
            RunnerRegistry runners, EmbeddedRunnerRegistration embedded,
            BerthProperties props, TransactionTemplate tx, Clock clock,
            dev.berth.server.registry.SnapshotRegistry registry,
            Optional<dev.berth.runner.engine.ContainerEngine> engine) {
        this.registry = registry;
        this.engine = engine;
        this.snapshots = snapshots;
        this.builder = builder;
        this.runners = runners;
        this.embedded = embedded;
        this.props = props;
        this.tx = tx;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onReady() {
        for (BaseImage image : BaseImage.values()) {
            register(image);
        }
        if (builder.isEmpty()) {
            // no embedded runner: each runner process imports berth/busybox itself when it starts
            update(BaseImage.BUSYBOX, s -> s.markActive(0, clock.instant()));
            return;
        }
        runners.markNotReady("the base image berth/busybox is being prepared");
        worker.submit(this::buildAll);
    }

    private void buildAll() {
        boolean busybox = ensure(BaseImage.BUSYBOX);
        if (busybox) {
            runners.markReady();
        } else {
            runners.markNotReady("the base image berth/busybox could not be built; see the server log");
        }
        // the registry copies come after: the embedded runner needs none, runners elsewhere pull them once stored
        if (busybox) {
            store(BaseImage.BUSYBOX);
        }
        if (props.images().buildDefault() && ensure(BaseImage.DEFAULT)) {
            store(BaseImage.DEFAULT);
        }
    }

    private boolean ensure(BaseImage image) {
        update(image, s -> {
            if (s.getState() != SnapshotState.ACTIVE) {
                s.markBuilding(clock.instant());
            }
        });
        try {
            long size = builder.orElseThrow().ensure(image);
            embedded.refreshImages(); // placement must see the image before the snapshot is reported active
            update(image, s -> s.markActive(size, clock.instant()));
            log.info("snapshot {} is active", image.snapshotName());
            return true;
        } catch (BerthException e) {
            if (worker.isShutdown()) {
                // not a failure: Berth is stopping; the next start builds it again
                log.info("build of snapshot {} stopped: Berth is shutting down", image.snapshotName());
                return false;
            }
            log.error("snapshot {} failed to build: {}", image.snapshotName(), e.getMessage());
            update(image, s -> s.markFailed(e.getMessage(), clock.instant()));
            return false;
        }
    }

    /** Puts the base image in the snapshot registry (once), from where runners without it pull it. */
    private void store(BaseImage image) {
        try {
            if (registry.layers(image.imageRef()).isPresent()) {
                return;
            }
            var eng = engine.orElseThrow();
            String remote = registry.remoteRef(image.imageRef());
            long t0 = System.nanoTime();
            eng.tag(image.imageRef(), remote);
            try {
                eng.push(remote, registry.auth(), line -> { });
            } finally {
                eng.untag(remote);
            }
            log.info("stored {} in the snapshot registry in {} ms", image.imageRef(), (System.nanoTime() - t0) / 1_000_000);
        } catch (BerthException e) {
            // the embedded runner has it; runners elsewhere cannot pull it until the next start stores it
            log.warn("could not store {} in the snapshot registry: {}", image.imageRef(), e.getMessage());
        }
    }

    private void register(BaseImage image) {
        tx.executeWithoutResult(st -> {
            if (snapshots.findByScopeAndName(Snapshot.GENERAL, image.snapshotName()).isEmpty()) {
                snapshots.save(new Snapshot(UUID.randomUUID().toString(), Snapshot.GENERAL, image.snapshotName(),
                        image.imageRef(), SnapshotState.PENDING, clock.instant()));
            }
        });
    }

    private void update(BaseImage image, Consumer<Snapshot> change) {
        tx.executeWithoutResult(st -> snapshots.findByScopeAndName(Snapshot.GENERAL, image.snapshotName())
                .ifPresent(s -> {
                    change.accept(s);
                    snapshots.save(s);
                }));
    }

    /** Stops a base-image build in progress (its builder processes with it) before the JVM exits. */
    @PreDestroy
    public void shutdown() throws InterruptedException {
        worker.shutdownNow();
        if (!worker.awaitTermination(20, TimeUnit.SECONDS)) {
            log.warn("a base-image build did not stop within 20 s");
        }
    }
}
