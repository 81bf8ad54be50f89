package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.protocol.ContainerStatus;
import dev.berth.runner.engine.ContainerInfo;
import dev.berth.server.Postgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The control plane is killed (kill -9) after it recorded a create's row and desired state and before the
 * container started: its engine is frozen (SIGSTOP) while the create waits on it, the process is killed, the
 * engine resumes, and a new control-plane process on the same database finishes the create. The sandbox ends
 * {@code started}, with one container, and its toolbox answers.
 */
class CreateCrashFinishedIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String runnerId = "crash-create-" + UUID.randomUUID().toString().substring(0, 8);
    private ControlPlaneProcess cp;
    private long frozenPid;

    @Test
    void aCreateInterruptedBeforeItsContainerStartedIsFinishedByTheReconciler() throws Exception {
        String db = Postgres.freshDatabaseUrl();
        // a timeout longer than a slow machine's restart: the create must be finished, not timed out
        cp = new ControlPlaneProcess("crash-create", db, Map.of("berth.docker-host", RestartableEngine.host(),
                "berth.runner-id", runnerId, "berth.reconciler.transition-timeout", "3m"));
        cp.start();
        frozenPid = Long.parseLong(Files.readString(RestartableEngine.dir().resolve("dockerd.pid")).trim());
        // the snapshot must be active before the engine is frozen: its import ends with engine calls, and a create of
        // a snapshot that is not active yet is refused before any row is recorded
        Awaitility.await("berth/busybox active").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (JsonNode s : json(cp.call("GET", "/api/snapshots?limit=100", null)).get("items")) {
                        if ("berth/busybox".equals(s.get("name").asString()) && "active".equals(s.get("state").asString())) {
                            return true;
                        }
                    }
                    return false;
                });

        signal("STOP");
        CompletableFuture<HttpResponse<String>> create = cp.callAsync("POST", "/api/sandbox",
                "{\"snapshot\":\"berth/busybox\",\"labels\":{\"case\":\"crash-create\"}}");
        // the row is recorded (creating, desired started) and the create is waiting on the frozen engine
        String id = Awaitility.await("create recorded").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> creatingId(), v -> v != null);
        cp.kill9();
        assertThat(create.isDone() && !create.isCompletedExceptionally()).as("the create never answered").isFalse();
        signal("CONT");
        frozenPid = 0;
        ContainerStatus atCrash = status(id);
        System.out.printf("create crash: the container of %s was %s when the control plane died%n", id, atCrash);

        long t0 = System.nanoTime();
        cp.start();
        JsonNode sb = Awaitility.await("create finished").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .until(() -> json(cp.call("GET", "/api/sandbox/" + id, null)),
                        s -> "started".equals(s.get("state").asString()));
        System.out.printf("create crash: finished by the new control plane in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(sb.get("desiredState").asString()).isEqualTo("started");
        Map<String, ContainerInfo> containers = FleetEngines.containersOf(RestartableEngine.host(), runnerId);
        assertThat(containers).containsOnlyKeys(id); // one container (a second would have failed containersOf)
        assertThat(containers.get(id).status()).isEqualTo(ContainerStatus.RUNNING);
        JsonNode out = json(cp.call("POST", "/api/toolbox/" + id + "/process/execute", "{\"command\":\"echo finished\"}"));
        assertThat(out.get("result").asString()).contains("finished");
        assertThat(json(cp.call("GET", "/api/sandbox", null)).get("items")).hasSize(1);
        // started once: one creating -> started transition in the sandbox's event history
        String log = Files.readString(java.nio.file.Path.of("target/cp-crash-create.log"));
        assertThat(log.split("sandbox " + id + " state creating -> started", -1)).hasSize(2);
    }

    private String creatingId() {
        for (JsonNode s : json(cp.call("GET", "/api/sandbox", null)).get("items")) {
            if ("creating".equals(s.get("state").asString())) {
                return s.get("id").asString();
            }
        }
        return null;
    }

    private ContainerStatus status(String id) {
        ContainerInfo c = FleetEngines.containersOf(RestartableEngine.host(), runnerId).get(id);
        return c == null ? ContainerStatus.MISSING : c.status();
    }

    private void signal(String sig) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(frozenPid)).inheritIO().start();
        assertThat(p.waitFor()).as("kill -" + sig + " dockerd").isZero();
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    @AfterEach
    void cleanup() throws Exception {
        if (frozenPid != 0) {
            signal("CONT");
        }
        if (cp != null) {
            cp.close();
        }
        FleetEngines.removeAll(RestartableEngine.host(), runnerId);
    }
}
