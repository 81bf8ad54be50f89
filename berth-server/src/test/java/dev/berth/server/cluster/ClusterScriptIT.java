package dev.berth.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16, "what it must show": {@code ./berth cluster up} brings up cluster mode on this machine as the docs say (a
 * control plane on PostgreSQL, two runner processes with their own engines), berth/default becomes active without an
 * embedded runner (a runner builds it from the image cache), the SDK scenarios run against it with no target and no
 * snapshot named, a runner killed with -9 and restarted gets its sandboxes back, and {@code ./berth cluster down}
 * (the documented stop commands) leaves no engine process, bridge, mount or iptables rule behind.
 *
 * <p>The whole SDK scenario suite runs here (about 80 s against a cluster on this machine), as it does against the
 * embedded mode in {@code ./berth test}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterScriptIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path repo = Path.of("..").toAbsolutePath().normalize();
    private Path dataDir;
    private int port;
    private String key;
    private boolean up;

    @BeforeAll
    void clusterUp() throws Exception {
        BerthIT.dockerHost(); // run by ./berth test (PostgreSQL, the image cache)
        // short: a runner's sandbox sockets live below it (107-byte unix socket paths)
        dataDir = Path.of("/var/tmp/bc" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
        Files.createDirectories(dataDir);
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        up = true;
        var r = script(Duration.ofMinutes(15), "cluster", "up", "2");
        assertThat(r.exit()).as("./berth cluster up\n" + r.output()).isZero();
        key = Files.readString(dataDir.resolve("cluster/admin-api-key")).strip();
        System.out.println("[ClusterScriptIT] up, by step (s): "
                + Files.readString(dataDir.resolve("cluster/timings")).replace('\n', ' '));
    }

    @AfterAll
    void clusterDown() throws Exception {
        if (up) {
            script(Duration.ofMinutes(5), "cluster", "down");
        }
    }

    @Test
    void sdkScenariosThenARunnerKilledAndRestartedThenNothingLeftBehind() throws Exception {
        List<String> runners = List.of(Files.readString(dataDir.resolve("cluster/runners")).strip().split(" "));
        assertThat(runners).hasSize(2);
        for (String id : runners) {
            assertThat(get("/api/runners/" + id).path("state").asString()).isEqualTo("ready");
        }
        assertThat(defaultSnapshot().path("state").asString()).isEqualTo("active");
        // built on one runner, then pulled onto the other by the snapshot worker
        Awaitility.await("berth/default on both runners").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    int ready = 0;
                    for (JsonNode c : defaultSnapshot().path("runners")) {
                        ready += c.path("state").asString().equals("ready") ? 1 : 0;
                    }
                    return ready == 2;
                });

        // the SDK, with no target and (for the default-snapshot steps) no snapshot named
        var sdk = new ArrayList<>(List.of(repo.resolve("sdk-tests/run").toString(), dataDir.resolve("sdk").toString()));
        var r = run(Duration.ofMinutes(20), Map.of("BERTH_SDK_API_URL", "http://127.0.0.1:" + port + "/api",
                "BERTH_SDK_API_KEY", key), sdk.toArray(String[]::new));
        assertThat(r.exit()).as("sdk-tests/run\n" + r.output()).isZero();

        // two sandboxes from the default snapshot, no target: they spread, or at least land on a runner of the cluster
        List<String> sandboxes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            var created = call("POST", "/api/sandbox", "{}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            sandboxes.add(JSON.readTree(created.body()).path("id").asString());
        }
        Map<String, String> runnerOf = new HashMap<>();
        for (String id : sandboxes) {
            awaitState(id, "started", Duration.ofMinutes(2));
            runnerOf.put(id, get("/api/sandbox/" + id).path("runnerId").asString());
            assertThat(exec(id, "echo hi")).isEqualTo("hi");
        }
        String victimSandbox = sandboxes.get(0);
        String victim = runnerOf.get(victimSandbox);
        assertThat(runners).contains(victim);

        // kill -9 the runner process; its engine (and the sandbox's container) keep running
        long pid = Long.parseLong(Files.readString(dataDir.resolve("cluster/runner-" + victim + ".pid")).strip());
        assertThat(run(Duration.ofSeconds(10), Map.of(), "kill", "-9", Long.toString(pid)).exit()).isZero();
        Awaitility.await("runner " + victim + " judged unresponsive").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> get("/api/runners/" + victim).path("state").asString().equals("unresponsive"));
        var away = call("POST", "/api/toolbox/" + victimSandbox + "/process/execute", "{\"command\":\"echo hi\"}");
        assertThat(away.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(away.body()).path("code").asString()).isEqualTo("RUNNER_UNAVAILABLE");

        var restarted = script(Duration.ofMinutes(5), "cluster", "runner", victim);
        assertThat(restarted.exit()).as(restarted.output()).isZero();
        awaitState(victimSandbox, "started", Duration.ofMinutes(2));
        Awaitility.await("the sandbox answers again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> exec(victimSandbox, "echo back").equals("back"));

        // what the engines made, to check after down
        List<String> bridges = new ArrayList<>();
        List<String> execRoots = new ArrayList<>();
        for (String id : runners) {
            bridges.add(Files.readString(dataDir.resolve("runner-" + id + "/network")).split(" ")[0]);
            String state = Files.readString(dataDir.resolve("runner-" + id + "/engine/engine.state"));
            execRoots.add(state.lines().filter(l -> l.startsWith("EXEC_ROOT=")).findFirst().map(l -> l.substring(l.indexOf('=') + 1))
                    .orElseThrow().replace("\"", "").strip());
        }

        var down = script(Duration.ofMinutes(5), "cluster", "down");
        assertThat(down.exit()).as(down.output()).isZero();
        up = false;

        String processes = run(Duration.ofSeconds(10), Map.of(), "ps", "-eo", "args").output();
        assertThat(processes).as("no engine, runner or control plane of this cluster runs")
                .doesNotContain(dataDir.toString());
        String links = run(Duration.ofSeconds(10), Map.of(), "ip", "-o", "link", "show").output();
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        String rules = run(Duration.ofSeconds(20), Map.of(), "iptables-save").output()
                + run(Duration.ofSeconds(20), Map.of(), "iptables-save", "-t", "nat").output();
        for (String bridge : bridges) {
            assertThat(links).doesNotContain(" " + bridge + ":");
            assertThat(rules).doesNotContain(bridge);
        }
        assertThat(mounts).doesNotContain(dataDir.toString());
        for (String root : execRoots) {
            assertThat(mounts).doesNotContain(root);
            assertThat(Path.of(root)).doesNotExist();
        }
    }

    private JsonNode defaultSnapshot() {
        for (JsonNode s : get("/api/snapshots?page=1&limit=200").path("items")) {
            if (s.path("name").asString().equals("berth/default")) {
                return s;
            }
        }
        throw new AssertionError("berth/default is not listed");
    }

    private void awaitState(String sandboxId, String state, Duration within) {
        Awaitility.await("sandbox " + sandboxId + " " + state).atMost(within).pollInterval(Duration.ofMillis(500))
                .until(() -> get("/api/sandbox/" + sandboxId).path("state").asString().equals(state));
    }

    private String exec(String sandboxId, String command) {
        var r = call("POST", "/api/toolbox/" + sandboxId + "/process/execute",
                JSON.writeValueAsString(Map.of("command", command)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("result").asString().strip();
    }

    private JsonNode get(String path) {
        var r = call("GET", path, null);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private HttpResponse<String> call(String method, String path, String body) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofMinutes(3))
                .header("Authorization", "Bearer " + key);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Result script(Duration within, String... args) throws Exception {
        var cmd = new ArrayList<String>();
        cmd.add(repo.resolve("berth").toString());
        cmd.addAll(List.of(args));
        return run(within, Map.of("BERTH_DATA_DIR", dataDir.toString(), "BERTH_PORT", Integer.toString(port),
                "BERTH_IMAGES_CACHE_DIR", BerthIT.imageCache().toString(), "BERTH_SSH_PORT", "0"),
                cmd.toArray(String[]::new));
    }

    record Result(int exit, String output) {
    }

    /** Runs a command to its end (output to a file, so a chatty one cannot block on a full pipe). */
    private Result run(Duration within, Map<String, String> env, String... cmd) throws Exception {
        Path out = Files.createTempFile("cluster-it-", ".log");
        var pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        // `./berth test` exports its own engine's settings (BERTH_ENGINE_DIR, BERTH_BRIDGE, ...): the cluster is
        // brought up as an operator's shell would, with none of them
        pb.environment().keySet().removeIf(k -> k.startsWith("BERTH_") && !k.startsWith("BERTH_TEST_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", cmd) + " did not end within " + within + ":\n"
                    + Files.readString(out));
        }
        String text = Files.readString(out);
        Files.delete(out);
        System.out.println("[ClusterScriptIT] " + String.join(" ", cmd) + " -> exit " + p.exitValue());
        return new Result(p.exitValue(), text);
    }
}
