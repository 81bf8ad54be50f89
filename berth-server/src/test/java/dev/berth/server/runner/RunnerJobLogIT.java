package dev.berth.server.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.reconcile.FleetEngines;
import dev.berth.server.reconcile.RunnerProcessesBase;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * What an operator reads while a runner works and when it goes away (issue 16, items 8 and 9): the runner's own log
 * names every job it ran and why one failed (a create it refused, the delete that followed, a stop); once the
 * runner stops answering, a toolbox call on its sandbox is a 503 {@code RUNNER_UNAVAILABLE} naming the runner and
 * its last heartbeat instead of a tunnel error, and the admin API marks its figures stale.
 */
class RunnerJobLogIT extends RunnerProcessesBase {

    private static final String RUNNER = "jl-" + UUID.randomUUID().toString().substring(0, 6);

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "60s");
    }

    private String runnerLog() throws Exception {
        return Files.readString(FleetEngines.log(RUNNER));
    }

    private void awaitLogLine(String what, String... parts) {
        Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> runnerLog().lines().anyMatch(l -> List.of(parts).stream().allMatch(l::contains)));
    }

    @Test
    void theRunnerLogNamesItsJobsAndAnAwayRunnerIsNamedInToolboxErrors() throws Exception {
        // without a network guard the runner refuses a sandbox with a network policy: a create that fails there
        startRunner(RUNNER, 0, "us", List.of("--no-network-guard"));
        var refused = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":\"" + RUNNER
                + "-blocked\",\"networkBlockAll\":true}");
        assertThat(refused.statusCode()).as(refused.body()).isGreaterThanOrEqualTo(400);
        // the runner's log names the refused sandbox and the reason; the control plane knows it by that id
        awaitLogLine("the refused create in the runner log", "WARN", "CREATE_SANDBOX sandbox ", ": failed after",
                "does not enforce network policies");
        String failedId = runnerLog().lines().filter(l -> l.contains("WARN") && l.contains("CREATE_SANDBOX sandbox "))
                .map(l -> l.replaceAll(".*CREATE_SANDBOX sandbox (\\S+): failed.*", "$1")).findFirst().orElseThrow();
        assertThat(getSandbox(failedId).get("name").asString()).isEqualTo(RUNNER + "-blocked");
        assertThat(admin("DELETE", "/api/sandbox/" + failedId, null).statusCode()).isBetween(200, 299);
        awaitLogLine("the delete that followed", "INFO", "DESTROY_SANDBOX sandbox " + failedId + ": done");

        String id = createBusybox().get("id").asString();
        sandboxes.add(id);
        assertThat(runnerLog()).contains("CREATE_SANDBOX sandbox " + id + ": started")
                .contains("CREATE_SANDBOX sandbox " + id + ": done");
        ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
        awaitLogLine("the stop", "INFO", "STOP_SANDBOX sandbox " + id + ": done", "(container exited)");
        ok(admin("POST", "/api/sandbox/" + id + "/start", null));
        assertThat(exec(id, "echo back")).isEqualTo("back");

        // the runner stops answering: its figures are stale and a toolbox call names it
        Instant killedAt = Instant.now();
        killRunner(RUNNER);
        Awaitility.await("runner unresponsive").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "unresponsive".equals(ok(admin("GET", "/api/runners/" + RUNNER, null)).get("state").asString()));
        JsonNode away = ok(admin("GET", "/api/runners/" + RUNNER, null));
        assertThat(away.get("figuresStale").asBoolean()).isTrue();
        assertThat(Instant.parse(away.get("lastHeartbeatAt").asString())).isBefore(killedAt.plusSeconds(1));
        var call = admin("POST", "/api/toolbox/" + id + "/process/execute", "{\"command\":\"echo hi\"}");
        assertThat(call.statusCode()).as(call.body()).isEqualTo(503);
        JsonNode problem = json(call);
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("type").asString()).endsWith("/toolbox-runner-unavailable");
        assertThat(problem.get("code").asString()).isEqualTo("RUNNER_UNAVAILABLE");
        assertThat(problem.get("detail").asString()).contains(RUNNER).contains("unresponsive")
                .doesNotContain("Connection refused");
    }
}
