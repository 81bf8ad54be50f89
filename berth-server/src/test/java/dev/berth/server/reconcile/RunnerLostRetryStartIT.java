package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * kill -9 of a runner whose sandbox runs; a start while it is away is refused and changes nothing; when
 * the runner is back its sandbox (whose container never stopped) is 'started' again, and retried starts
 * leave it reachable with its files. Before the fix the refused start recorded 'error' ("start failed:
 * runner is unresponsive"), which the returning runner did not recover, and the retry deleted the
 * running agent's socket: the sandbox ended in 'error' for good.
 */
class RunnerLostRetryStartIT extends BerthIT {

    static final String RUNNER = "recon-rs-" + UUID.randomUUID().toString().substring(0, 8);
    private Process runner;
    private String sandboxId;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Postgres.register(r);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "6s");
    }

    @Override
    protected void waitUntilHealthy() {
        // server mode: healthy once a runner is ready, which the test starts
    }

    private JsonNode sandbox() {
        return ok(admin("GET", "/api/sandbox/" + sandboxId, null));
    }

    private String exec(String command) {
        return ok(admin("POST", "/api/toolbox/" + sandboxId + "/process/execute",
                "{\"command\":" + JSON.writeValueAsString(command) + "}")).get("result").asString();
    }

    @Test
    void startRefusedWhileAwayThenRetriedLeavesTheSandboxStartedAndReachable() throws Exception {
        String host = FleetEngines.host(0);
        String token = ok(admin("POST", "/api/runners", "{\"id\":\"" + RUNNER + "\",\"region\":\"us\"}")).get("token").asString();
        String api = "http://localhost:" + port;
        runner = FleetEngines.startRunner(api, RUNNER, token, host, imageCache());
        Awaitility.await("runner ready").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(ok(admin("GET", "/api/runners/" + RUNNER, null)).get("state").asString()));
        sandboxId = createBusybox().get("id").asString();
        exec("sh -c 'echo kept > /tmp/mark'");

        runner.destroyForcibly().waitFor();
        Awaitility.await("sandbox reported lost").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "error".equals(sandbox().get("state").asString()));
        assertThat(sandbox().get("errorReason").asString()).contains("runner lost");

        HttpResponse<String> refused = admin("POST", "/api/sandbox/" + sandboxId + "/start", null);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("unresponsive");
        // nothing was recorded: still the truthful 'runner lost', which the returning runner resolves
        assertThat(sandbox().get("state").asString()).isEqualTo("error");
        assertThat(sandbox().get("errorReason").asString()).contains("runner lost");
        assertThat(FleetEngines.containersOf(host, RUNNER).get(sandboxId).status().name()).isEqualTo("RUNNING");

        runner = FleetEngines.startRunner(api, RUNNER, token, host, imageCache());
        Awaitility.await("lost sandbox back to started").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "started".equals(sandbox().get("state").asString()));
        for (int i = 0; i < 2; i++) {
            JsonNode started = ok(admin("POST", "/api/sandbox/" + sandboxId + "/start", null));
            assertThat(started.get("state").asString()).isEqualTo("started");
        }
        assertThat(exec("cat /tmp/mark").trim()).isEqualTo("kept");
        assertThat(FleetEngines.containersOf(host, RUNNER).keySet()).containsExactly(sandboxId);
    }

    @AfterEach
    void cleanup() throws InterruptedException {
        if (sandboxId != null) {
            admin("DELETE", "/api/sandbox/" + sandboxId, null);
        }
        if (runner != null) {
            runner.destroy();
            runner.waitFor();
        }
        FleetEngines.removeAll(FleetEngines.host(0), RUNNER);
    }
}
