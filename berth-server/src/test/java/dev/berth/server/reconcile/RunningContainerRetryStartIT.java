package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.sandbox.SandboxSpecs;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A start of a sandbox recorded in 'error' whose container runs again (started outside Berth, or left
 * running by a request that failed half-way) is idempotent: the sandbox ends 'started' with a reachable
 * agent and its files. Before the fix, the runner deleted the running agent's socket before the engine's
 * start, which is a no-op on a running container, so no agent bound again: "agent did not start within
 * 15 s", and the sandbox stayed in 'error' with only delete left.
 */
class RunningContainerRetryStartIT extends BerthIT {

    static final String RUNNER_ID = "recon-rr-" + UUID.randomUUID().toString().substring(0, 8);
    private String sandboxId;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Postgres.register(r);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        r.add("berth.runner-id", () -> RUNNER_ID);
    }

    private String exec(String command) {
        return ok(admin("POST", "/api/toolbox/" + sandboxId + "/process/execute",
                "{\"command\":" + JSON.writeValueAsString(command) + "}")).get("result").asString();
    }

    @Test
    void retriedStartOfARunningContainerKeepsItReachable() {
        sandboxId = createBusybox().get("id").asString();
        exec("sh -c 'echo kept > /tmp/mark'");
        String container = SandboxRunner.containerName(sandboxId);
        ((DockerContainerEngine) engine).client().killContainerCmd(container).exec();
        Awaitility.await("kill reported").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> "error".equals(getSandbox(sandboxId).get("state").asString()));
        engine.start(container); // behind Berth's back: the row says error, the container runs its agent again

        for (int i = 0; i < 2; i++) {
            JsonNode started = ok(admin("POST", "/api/sandbox/" + sandboxId + "/start", null));
            assertThat(started.get("state").asString()).isEqualTo("started");
        }
        assertThat(exec("cat /tmp/mark").trim()).isEqualTo("kept");
        assertThat(getSandbox(sandboxId).get("state").asString()).isEqualTo("started");
    }

    @Autowired
    SandboxRunner runner;

    @Autowired
    SandboxSpecs specs;

    @Autowired
    SandboxRepository sandboxes;

    @Test
    void aCreateSentAgainForAnExistingContainerMakesNoSecondOne() {
        sandboxId = createBusybox().get("id").asString();
        exec("sh -c 'echo kept > /tmp/mark'");
        var spec = specs.of(sandboxes.findById(sandboxId).orElseThrow());
        // running: only waited for
        assertThat(runner.create(spec).status().name()).isEqualTo("RUNNING");
        assertThat(exec("cat /tmp/mark").trim()).isEqualTo("kept");
        // stopped: started again, the same container with its files
        engine.stop(SandboxRunner.containerName(sandboxId), Duration.ofSeconds(5));
        assertThat(runner.create(spec).status().name()).isEqualTo("RUNNING");
        assertThat(exec("cat /tmp/mark").trim()).isEqualTo("kept");
        assertThat(runner.inventory().keySet().stream().filter(sandboxId::equals).count()).isEqualTo(1);
    }

    @AfterEach
    void cleanup() {
        if (sandboxId != null) {
            admin("DELETE", "/api/sandbox/" + sandboxId, null);
            engine.remove(SandboxRunner.containerName(sandboxId));
        }
    }
}
