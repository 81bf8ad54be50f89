package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.ArchiveImage;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.runner.SandboxRunner;
import dev.berth.server.BerthIT;
import dev.berth.server.registry.SnapshotRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A control plane that dies in the middle of an archive or a restore leaves a transitional state the one reconciler
 * settles from what the runner holds (the embedded runner here): each crash is made by recording what the action
 * would have recorded and doing only the runner work it would have done before dying.
 */
class SandboxArchiveCrashIT extends BerthIT {

    static final String RUNNER_ID = "arc-crash-" + UUID.randomUUID().toString().substring(0, 8);
    private String sandboxId;

    @Autowired
    SandboxStore store;

    @Autowired
    SandboxReconciler reconciler;

    @Autowired
    SandboxRunner runner;

    @Autowired
    SandboxSpecs specs;

    @Autowired
    SnapshotRegistry registry;

    @Autowired
    Clock clock;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        r.add("berth.runner-id", () -> RUNNER_ID);
        r.add("berth.reconciler.action-grace", () -> "2s");
    }

    private String exec(String command) {
        return ok(admin("POST", "/api/toolbox/" + sandboxId + "/process/execute",
                JSON.writeValueAsString(Map.of("command", command)))).get("result").asString().trim();
    }

    /** Reconciles (as the regular pass would) until the sandbox is in {@code state}. */
    private Sandbox reconciledTo(SandboxState state) {
        Awaitility.await("reconciled to " + state.wireName()).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    reconciler.reconcileAll();
                    return store.load(sandboxId).getState() == state;
                });
        return store.load(sandboxId);
    }

    @Test
    void interruptedArchivesAndRestoresAreSettledFromWhatTheRunnerHolds() {
        sandboxId = createBusybox().get("id").asString();
        exec("sh -c 'echo before-the-crashes > /root/note'");
        ok(admin("POST", "/api/sandbox/" + sandboxId + "/stop", null));

        // died right after recording 'archiving': the container is still there, so the sandbox is stopped again
        store.move(sandboxId, SandboxState.ARCHIVING, "test: crash", null, x -> {
            x.desire(DesiredState.ARCHIVED, clock.instant());
            x.archiveAs(ArchiveImage.next(sandboxId, clock.instant()).ref(), clock.instant());
        });
        Sandbox stopped = reconciledTo(SandboxState.STOPPED);
        assertThat(stopped.getErrorReason()).contains("archive was interrupted").contains("archive it again");
        assertThat(stopped.getRunnerId()).isEqualTo(RUNNER_ID);

        // died after the push and the container's removal, before recording 'archived': archived, no runner
        String image = ArchiveImage.next(sandboxId, clock.instant()).ref();
        store.move(sandboxId, SandboxState.ARCHIVING, "test: crash", null, x -> {
            x.desire(DesiredState.ARCHIVED, clock.instant());
            x.archiveAs(image, clock.instant());
        });
        runner.commitAndPush(sandboxId, image);
        registry.verify(image);
        runner.destroy(sandboxId);
        Sandbox archived = reconciledTo(SandboxState.ARCHIVED);
        assertThat(archived.getRunnerId()).isNull();
        assertThat(archived.getArchiveImage()).isEqualTo(image);

        // a restore that died before its container was made: archived again, the archive kept
        store.move(sandboxId, SandboxState.RESTORING, "test: crash", null, x -> {
            x.assignRunner(RUNNER_ID);
            x.desire(DesiredState.STARTED, clock.instant());
        });
        Sandbox back = reconciledTo(SandboxState.ARCHIVED);
        assertThat(back.getErrorReason()).contains("restore was interrupted");
        assertThat(back.getRunnerId()).isNull();
        assertThat(registry.layers(image)).isPresent();

        // a restore that died after its container was made (and ran): started, with the files
        Sandbox restoring = store.move(sandboxId, SandboxState.RESTORING, "test: crash", null, x -> {
            x.assignRunner(RUNNER_ID);
            x.desire(DesiredState.STARTED, clock.instant());
        });
        runner.create(specs.of(restoring));
        reconciledTo(SandboxState.STARTED);
        assertThat(exec("cat /root/note")).isEqualTo("before-the-crashes");

        ok(admin("DELETE", "/api/sandbox/" + sandboxId, null));
        assertThat(registry.tags(ArchiveImage.parse(image).repository())).isEmpty();
        assertThat(engine.imageExists(image)).isFalse();
        sandboxId = null;
    }

    @AfterEach
    void cleanup() {
        if (sandboxId != null) {
            admin("DELETE", "/api/sandbox/" + sandboxId, null);
            engine.remove(SandboxRunner.containerName(sandboxId));
        }
    }
}
