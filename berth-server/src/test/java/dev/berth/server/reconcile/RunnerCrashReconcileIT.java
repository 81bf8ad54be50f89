package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.engine.ContainerInfo;
import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** kill -9 of the runner process while it creates a sandbox, then a restart: converges, nothing duplicated or left over. */
class RunnerCrashReconcileIT extends BerthIT {

    static final String RUNNER = "recon-rc-" + UUID.randomUUID().toString().substring(0, 8);
    private Process runner;
    private String sandboxId;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Postgres.register(r);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "60s");
        r.add("berth.reconciler.transition-timeout", () -> "30s");
        r.add("berth.reconciler.action-grace", () -> "10s");
        r.add("berth.reconciler.orphan-grace", () -> "5s");
    }

    @Override
    protected void waitUntilHealthy() {
        // server mode: healthy once a runner is ready, which the test starts
    }

    private JsonNode runnerRow() {
        return ok(admin("GET", "/api/runners/" + RUNNER, null));
    }

    @Test
    void killedMidCreateThenRestartedConverges() throws Exception {
        String host = FleetEngines.host(0);
        String token = ok(admin("POST", "/api/runners", "{\"id\":\"" + RUNNER + "\",\"region\":\"us\"}")).get("token").asString();
        String api = "http://localhost:" + port;
        runner = FleetEngines.startRunner(api, RUNNER, token, host, imageCache());
        Awaitility.await("runner ready").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runnerRow().get("state").asString()));

        CompletableFuture<HttpResponse<String>> post = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(api + "/api/sandbox")).header("Authorization", "Bearer " + ADMIN_KEY)
                        .header("Content-Type", "application/json").timeout(Duration.ofMinutes(3))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"snapshot\":\"berth/busybox\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        // the middle of the create: the row is recorded, the runner has (or is about to get) the job
        Awaitility.await("row in creating").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> creatingId() != null || post.isDone());
        sandboxId = creatingId();
        runner.destroyForcibly().waitFor();
        long t0 = System.nanoTime();
        if (sandboxId == null) {
            sandboxId = JSON.readTree(post.get().body()).get("id").asString(); // the create beat the kill
        }
        runner = FleetEngines.startRunner(api, RUNNER, token, host, imageCache());

        Awaitility.await("sandbox converged").atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    String st = ok(admin("GET", "/api/sandbox/" + sandboxId, null)).get("state").asString();
                    Map<String, ContainerInfo> on = FleetEngines.containersOf(host, RUNNER);
                    return ("started".equals(st) && on.containsKey(sandboxId) && on.size() == 1)
                            || ("error".equals(st) && on.isEmpty());
                });
        JsonNode s = ok(admin("GET", "/api/sandbox/" + sandboxId, null));
        System.out.printf("convergence (runner kill -9 mid-create, restart): %.1f s -> %s%s%n",
                (System.nanoTime() - t0) / 1e9, s.get("state").asString(),
                s.get("errorReason") == null || s.get("errorReason").isNull() ? "" : " (" + s.get("errorReason").asString() + ")");
        HttpResponse<String> answer = post.get();
        System.out.printf("the interrupted POST answered %d%n", answer.statusCode());
        // exactly one sandbox in the organization, not lost and not duplicated
        JsonNode all = ok(admin("GET", "/api/sandbox", null)).get("items");
        assertThat(all.size()).isEqualTo(1);
        assertThat(all.get(0).get("id").asString()).isEqualTo(sandboxId);
        assertThat(FleetEngines.containersOf(host, RUNNER).keySet()).isSubsetOf(sandboxId);
    }

    private String creatingId() {
        JsonNode all = ok(admin("GET", "/api/sandbox", null)).get("items");
        for (JsonNode s : all) {
            return s.get("id").asString();
        }
        return null;
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
