package dev.berth.server.runner;

import dev.berth.runner.SandboxRunner;
import dev.berth.server.config.BerthProperties;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records the configured region and, in embedded mode, this JVM's runner as a runner row (so
 * placement, allocation and the admin API treat it like any other), with periodic usage updates.
 */
@Component
public class EmbeddedRunnerRegistration {

    private final Optional<SandboxRunner> local;
    private final RunnerRepository runners;
    private final RegionRepository regions;
    private final BerthProperties props;
    private final TransactionTemplate tx;
    private final Clock clock;

    private final int capacityCpu;
    private final int capacityMemory;

    /**
     * @param capacityCpu    cores the embedded runner offers to sandboxes ({@code berth.embedded-capacity-cpu};
     *                       0: 8x the host's, documented)
     * @param capacityMemory GiB it offers ({@code berth.embedded-capacity-memory}; 0: 4x the host's)
     */
    public EmbeddedRunnerRegistration(Optional<SandboxRunner> local, RunnerRepository runners, RegionRepository regions,
            BerthProperties props, TransactionTemplate tx, Clock clock,
            @org.springframework.beans.factory.annotation.Value("${berth.embedded-capacity-cpu:0}") int capacityCpu,
            @org.springframework.beans.factory.annotation.Value("${berth.embedded-capacity-memory:0}") int capacityMemory) {
        if (capacityCpu < 0 || capacityMemory < 0) {
            throw new IllegalArgumentException("berth.embedded-capacity-cpu and berth.embedded-capacity-memory must be >= 0");
        }
        this.capacityCpu = capacityCpu;
        this.capacityMemory = capacityMemory;
        this.local = local;
        this.runners = runners;
        this.regions = regions;
        this.props = props;
        this.tx = tx;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void register() {
        // replicas sharing a database (and a runner id) may write this row at the same moment: retry a lost CAS
        for (int attempt = 1; ; attempt++) {
            try {
                registerOnce();
                return;
            } catch (OptimisticLockingFailureException
                    | DataIntegrityViolationException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private void registerOnce() {
        tx.executeWithoutResult(st -> {
            if (!regions.existsById(props.region())) {
                regions.save(new Region(props.region(), clock.instant()));
            }
        });
        local.ifPresent(runner -> tx.executeWithoutResult(st -> {
            Runner r = runners.findById(runner.runnerId())
                    .orElseGet(() -> new Runner(runner.runnerId(), props.region(), "default", null, true, clock.instant()));
            var caps = runner.capabilities();
            long disk;
            try {
                Files.createDirectories(props.dataDir());
                disk = Files.getFileStore(props.dataDir()).getTotalSpace() >> 30;
            } catch (IOException e) {
                disk = 100;
            }
            int memGiB = (int) Math.max(1, com.sun.management.OperatingSystemMXBean.class.cast(
                    ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() >> 30);
            // sandboxes are mostly idle: cpu is time-shared under per-sandbox quotas, memory limits are enforced
            // per sandbox by the kernel; the embedded runner offers 8x its cores and 4x its memory (documented)
            r.register("in-process", null, 2, "default",
                    capacityCpu > 0 ? capacityCpu : Runtime.getRuntime().availableProcessors() * 8,
                    capacityMemory > 0 ? capacityMemory : memGiB * 4,
                    (int) Math.max(1, disk), 1000, caps.engineVersion(), caps.storageDriver(), caps.diskQuotaEnforced(),
                    clock.instant());
            r.markReady();
            runners.save(r);
        }));
    }

    /**
     * Records what the embedded engine holds now, at once (after a base image was built, so placement sees it
     * before the snapshot is reported active). A concurrent heartbeat writing the same row is retried over.
     */
    public void refreshImages() {
        local.ifPresent(runner -> {
            Set<String> images = runner.engine().imageRefs();
            for (int attempt = 1; ; attempt++) {
                try {
                    tx.executeWithoutResult(st -> runners.findById(runner.runnerId()).ifPresent(r -> {
                        r.recordImages(images);
                        runners.save(r);
                    }));
                    return;
                } catch (OptimisticLockingFailureException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        });
    }

    @Scheduled(fixedDelay = 5000)
    public void heartbeat() {
        try {
            local.ifPresent(runner -> {
                // the engine is asked before the transaction, so no connection waits on it; an engine that does not
                // answer is recorded (no new sandboxes are placed here), not an error
                boolean engineUp = runner.engine().ping();
                Integer count = engineUp ? runner.inventory().size() : null;
                Set<String> images = engineUp ? runner.engine().imageRefs() : null;
                tx.executeWithoutResult(st -> runners.findById(runner.runnerId()).ifPresent(r -> {
                    r.heartbeat(0, 0, 0, 0, count != null ? count : r.getSandboxCount(), engineUp, clock.instant());
                    r.recordImages(images);
                    runners.save(r);
                }));
            });
        } catch (OptimisticLockingFailureException e) {
            // another replica with the same embedded runner id wrote it first; the next beat wins
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(EmbeddedRunnerRegistration.class)
                    .warn("embedded runner heartbeat failed: {}", e.getMessage());
        }
    }
}
