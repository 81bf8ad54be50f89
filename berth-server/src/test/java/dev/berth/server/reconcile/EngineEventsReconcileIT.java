package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.ContainerSpec;
import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import dev.berth.server.sandbox.SandboxReconciler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Containers killed or removed behind Berth's back are reported truthfully within seconds, from
 * the engine's event stream alone (the periodic pass is set to an hour), and a container carrying
 * this runner's labels but no sandbox row is removed after the grace period.
 */
class EngineEventsReconcileIT extends BerthIT {

    static final String RUNNER_ID = "recon-ev-" + UUID.randomUUID().toString().substring(0, 8);

    @Autowired
    SandboxReconciler reconciler;

    private final List<String> sandboxes = new ArrayList<>();

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Postgres.register(r);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        // own runner id: the shared test engine holds other tests' containers, which are not ours to reap
        r.add("berth.runner-id", () -> RUNNER_ID);
        r.add("berth.reconciler.orphan-grace", () -> "2s");
    }

    private String create() {
        String id = createBusybox().get("id").asString();
        sandboxes.add(id);
        return id;
    }

    @Test
    void killedAndRemovedContainersAreReportedWithinSeconds() {
        String killed = create();
        String removed = create();
        String untouched = create();
        var docker = ((DockerContainerEngine) engine).client();

        long t0 = System.nanoTime();
        docker.killContainerCmd(SandboxRunner.containerName(killed)).exec();
        docker.removeContainerCmd(SandboxRunner.containerName(removed)).withForce(true).exec();
        Awaitility.await("rows follow the engine").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> "error".equals(getSandbox(killed).get("state").asString())
                        && "error".equals(getSandbox(removed).get("state").asString()));
        System.out.printf("convergence (container killed / removed behind Berth's back, events only): %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
        assertThat(getSandbox(killed).get("errorReason").asString()).contains("code 137");
        assertThat(getSandbox(removed).get("errorReason").asString()).containsAnyOf("removed outside Berth", "exited");
        assertThat(getSandbox(untouched).get("state").asString()).isEqualTo("started");
        // nothing duplicated: one container per live sandbox, none for the removed one
        Map<String, ?> inventory = ((SandboxRunner) runnerOf()).inventory();
        assertThat(inventory).containsKeys(killed, untouched).doesNotContainKey(removed);
    }

    @Test
    void orphanContainersAreRemovedAfterTheGrace() {
        String kept = create();
        String orphan = UUID.randomUUID().toString();
        engine.createAndStart(new ContainerSpec(SandboxRunner.containerName(orphan), "berth/busybox:latest",
                List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"), List.of(), Map.of(),
                Map.of(SandboxRunner.LABEL_SANDBOX, orphan, SandboxRunner.LABEL_ORG, "nobody",
                        SandboxRunner.LABEL_RUNNER, RUNNER_ID),
                500_000_000L, 64L << 20, 64, List.of(), List.of(), null, "orphan", "bridge"));
        long t0 = System.nanoTime();
        try {
            // the periodic pass is an hour here: drive it (each pass is what the loop would run)
            Awaitility.await("orphan removed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        reconciler.reconcileAll();
                        return engine.inspect(SandboxRunner.containerName(orphan)).isEmpty();
                    });
            double took = (System.nanoTime() - t0) / 1e9;
            System.out.printf("convergence (orphan container, grace 2 s): %.1f s%n", took);
            assertThat(took).isGreaterThanOrEqualTo(2.0);
            assertThat(engine.inspect(SandboxRunner.containerName(kept))).isPresent();
            assertThat(getSandbox(kept).get("state").asString()).isEqualTo("started");
        } finally {
            engine.remove(SandboxRunner.containerName(orphan));
        }
    }

    @Autowired
    dev.berth.server.runner.RunnerRegistry registry;

    private Object runnerOf() {
        return registry.localRunner().orElseThrow();
    }

    @AfterEach
    void cleanup() {
        for (String id : sandboxes) {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
        for (String id : sandboxes) {
            engine.remove(SandboxRunner.containerName(id));
        }
    }
}
