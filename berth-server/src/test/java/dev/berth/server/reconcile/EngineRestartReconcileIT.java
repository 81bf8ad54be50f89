package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.protocol.ContainerStatus;
import dev.berth.runner.SandboxRunner;
import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The engine restarts while sandboxes run (its own engine: the shared test engine is not ours to
 * restart). Containers have no restart policy, so they come back stopped; Berth reports them
 * {@code stopped} (clean exit) or {@code error} (killed), with a reason, and does not restart them.
 */
class EngineRestartReconcileIT extends BerthIT {

    static final String DIR = "/var/tmp/berth-test/engine-restart";
    static final String HOST = "unix://" + DIR + "/docker.sock";

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        engine("start");
        Postgres.register(r);
        r.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        r.add("berth.docker-host", () -> HOST);
        r.add("berth.runner-id", () -> "recon-er-" + UUID.randomUUID().toString().substring(0, 8));
    }

    static void engine(String verb) throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("user.dir")).resolveSibling("engine").resolve("berth-engine");
        var pb = new ProcessBuilder(List.of(script.toString(), verb)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/engine-restart.log")));
        pb.environment().put("BERTH_ENGINE_DIR", DIR);
        pb.environment().put("BERTH_BRIDGE", "berth-x1");
        pb.environment().put("BERTH_BRIDGE_CIDR", "10.219.0.1/24");
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("berth-engine " + verb + " did not finish in 90 s; see target/engine-restart.log");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("berth-engine " + verb + " exited " + p.exitValue() + "; see target/engine-restart.log");
        }
    }

    private JsonNode sandbox(String id) {
        return ok(admin("GET", "/api/sandbox/" + id, null));
    }

    @Test
    void sandboxesEndTruthfulAfterAnEngineRestart() throws Exception {
        List<String> ids = List.of(create(), create());
        long t0 = System.nanoTime();
        engine("stop");
        engine("start");
        long t1 = System.nanoTime();
        Awaitility.await("rows follow the restarted engine").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> ids.stream().allMatch(id -> {
                    String st = sandbox(id).get("state").asString();
                    return st.equals("stopped") || st.equals("error");
                }));
        System.out.printf("convergence (engine restarted under running sandboxes): %.1f s after the engine answered again "
                + "(%.1f s including the restart)%n", (System.nanoTime() - t1) / 1e9, (System.nanoTime() - t0) / 1e9);
        for (String id : ids) {
            JsonNode s = sandbox(id);
            System.out.printf("  %s -> %s: %s%n", id.substring(0, 8), s.get("state").asString(), s.get("errorReason"));
            assertThat(s.get("errorReason").isNull()).as("a reason is given").isFalse();
            // the container is still there (stopped), exactly one, and not restarted behind the user's back
            assertThat(engine.inspect(SandboxRunner.containerName(id)).orElseThrow().status()).isEqualTo(ContainerStatus.EXITED);
        }
        // a stopped one can be started again by the user
        for (String id : ids) {
            if (sandbox(id).get("state").asString().equals("stopped")) {
                ok(admin("POST", "/api/sandbox/" + id + "/start", null));
                assertThat(sandbox(id).get("state").asString()).isEqualTo("started");
                break;
            }
        }
        for (String id : ids) {
            ok(admin("DELETE", "/api/sandbox/" + id, null));
            assertThat(engine.inspect(SandboxRunner.containerName(id))).isEmpty();
        }
    }

    private String create() {
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}"));
        assertThat(sb.get("state").asString()).isEqualTo("started");
        return sb.get("id").asString();
    }

    @AfterAll
    static void stopEngine() throws Exception {
        engine("stop");
    }
}
