package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.protocol.ContainerStatus;
import dev.berth.runner.engine.ContainerInfo;
import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A runner process's engine is restarted while sandboxes run. While the engine is away the runner
 * keeps reporting (engine unhealthy, no inventory) and gets no new sandboxes; once it is back, the
 * inventory brings the rows to a truthful settled state, with nothing lost, duplicated or orphaned.
 */
class EngineRestartRunnerIT extends BerthIT {

    private final String runnerId = "recon-err-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> sandboxes = new ArrayList<>();
    private Process runner;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Postgres.register(r);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "60s");
        r.add("berth.reconciler.orphan-grace", () -> "5s");
    }

    @Override
    protected void waitUntilHealthy() {
        // server mode: healthy once a runner is ready, which the test starts
    }

    /** Registers this test's runner and starts its process on {@code host}, then waits until it is ready. */
    private void startRunner(String host) throws Exception {
        String token = ok(admin("POST", "/api/runners", "{\"id\":\"" + runnerId + "\",\"region\":\"us\"}")).get("token").asString();
        runner = FleetEngines.startRunner("http://localhost:" + port, runnerId, token, host, imageCache());
        Awaitility.await("runner ready").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runnerRow().get("state").asString()));
    }

    private JsonNode runnerRow() {
        return ok(admin("GET", "/api/runners/" + runnerId, null));
    }

    private String create() {
        String id = createBusybox().get("id").asString();
        sandboxes.add(id);
        return id;
    }

    @Test
    void rowsFollowARestartedEngineOnARunnerProcess() throws Exception {
        String host = RestartableEngine.host();
        startRunner(host);
        String a = create();
        String b = create();

        long t0 = System.nanoTime();
        RestartableEngine.stop();
        long down = System.nanoTime();
        // the runner process is alive and says so: its engine is reported unhealthy, and it gets no new work
        Awaitility.await("engine reported down").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> !runnerRow().get("engineHealthy").asBoolean());
        var refused = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(List.of(getSandbox(a).get("state").asString(), getSandbox(b).get("state").asString()))
                .as("no verdict without an inventory").doesNotContain("error");
        RestartableEngine.start();
        long up = System.nanoTime();

        Awaitility.await("rows follow the restarted engine").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> settledNotRunning(getSandbox(a)) && settledNotRunning(getSandbox(b)));
        long converged = System.nanoTime();
        System.out.printf("convergence (engine restarted under running sandboxes, runner process): %.1f s after the "
                + "restart began (engine stop %.1f s, start %.1f s), %.1f s after the engine was back -> %s=%s %s=%s%n",
                (converged - t0) / 1e9, (down - t0) / 1e9, (up - down) / 1e9, (converged - up) / 1e9, a,
                getSandbox(a).get("state").asString(), b, getSandbox(b).get("state").asString());
        Awaitility.await("runner schedulable again").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> "ready".equals(runnerRow().get("state").asString()) && runnerRow().get("engineHealthy").asBoolean());

        Map<String, ContainerInfo> mine = FleetEngines.containersOf(host, runnerId);
        assertThat(mine.keySet()).containsExactlyInAnyOrder(a, b);
        assertThat(mine.values()).allMatch(c -> c.status() != ContainerStatus.RUNNING);

        // the sandbox starts again on the restarted engine, and new sandboxes are placed there again
        JsonNode started = ok(admin("POST", "/api/sandbox/" + a + "/start", null));
        assertThat(started.get("state").asString()).isEqualTo("started");
        JsonNode exec = ok(admin("POST", "/api/toolbox/" + a + "/process/execute", "{\"command\":\"echo back\"}"));
        assertThat(exec.get("result").asString()).contains("back");
        String c = create();
        assertThat(FleetEngines.containersOf(host, runnerId).get(c).status()).isEqualTo(ContainerStatus.RUNNING);
    }

    @Test
    void aContainerKilledBehindBerthsBackIsReportedWithItsExitCode() throws Exception {
        String host = RestartableEngine.host();
        startRunner(host);
        String killed = create();
        String stopped = create();
        try (var engine = new dev.berth.runner.docker.DockerContainerEngine(host)) {
            long t0 = System.nanoTime();
            engine.client().killContainerCmd(dev.berth.runner.SandboxRunner.containerName(killed)).exec();
            engine.stop(dev.berth.runner.SandboxRunner.containerName(stopped), Duration.ofSeconds(5));
            // a state younger than the inventory grace (10 s) is not judged: at most that long plus a heartbeat
            Awaitility.await("rows follow").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> "error".equals(getSandbox(killed).get("state").asString())
                            && "stopped".equals(getSandbox(stopped).get("state").asString()));
            System.out.printf("convergence (container killed / stopped behind Berth's back, runner process): %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
        }
        assertThat(getSandbox(killed).get("errorReason").asString()).contains("code 137");
    }

    private static boolean settledNotRunning(JsonNode s) {
        return Set.of("stopped", "error").contains(s.get("state").asString());
    }

    @AfterEach
    void cleanup() throws InterruptedException {
        for (String id : sandboxes) {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
        if (runner != null) {
            runner.destroy();
            runner.waitFor();
            admin("DELETE", "/api/runners/" + runnerId, null); // so the next test's placements cannot pick it
        }
        FleetEngines.removeAll(RestartableEngine.host(), runnerId);
    }
}
