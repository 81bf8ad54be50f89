package dev.berth.server.reconcile;

import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.server.BerthIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of ITs that run Berth in server mode with runner processes on the fleet engines: starts (and restarts, with
 * the same token) a runner and waits until it is ready, runs commands in sandboxes, looks at an engine directly, and
 * deletes the test's sandboxes and stops its runners afterwards. Subclasses set server mode
 * ({@code berth.embedded-runner=false}) and their health settings in their own property source.
 */
public abstract class RunnerProcessesBase extends BerthIT {

    protected final Map<String, Process> processes = new HashMap<>();
    private final Map<String, String> tokens = new HashMap<>();
    private final Map<String, Integer> engines = new HashMap<>();
    protected final List<String> sandboxes = new ArrayList<>();

    @Override
    protected void waitUntilHealthy() {
        // in server mode health needs a runner; the test starts them
    }

    /** Starts runner {@code id} on fleet engine {@code engine} (registering it the first time) and waits until ready. */
    protected void startRunner(String id, int engine) throws Exception {
        startRunner(id, engine, "us");
    }

    /** As {@link #startRunner(String, int)} in {@code region} (which must exist). */
    protected void startRunner(String id, int engine, String region) throws Exception {
        startRunner(id, engine, region, List.of());
    }

    /** As {@link #startRunner(String, int, String)} with more runner options. */
    protected void startRunner(String id, int engine, String region, List<String> options) throws Exception {
        String token = tokens.get(id);
        if (token == null) {
            token = ok(admin("POST", "/api/runners", "{\"id\":\"" + id + "\",\"region\":\"" + region + "\"}"))
                    .get("token").asString();
            tokens.put(id, token);
            engines.put(id, engine);
        }
        processes.put(id, FleetEngines.startRunner("http://localhost:" + port, id, token, FleetEngines.host(engine),
                imageCache(), options));
        Awaitility.await(id + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(ok(admin("GET", "/api/runners/" + id, null)).get("state").asString()));
    }

    /** Kills runner {@code id}'s process (its engine and containers stay). */
    protected void killRunner(String id) throws InterruptedException {
        processes.remove(id).destroyForcibly().waitFor();
    }

    protected String exec(String id, String command) {
        return ok(admin("POST", "/api/toolbox/" + id + "/process/execute",
                JSON.writeValueAsString(Map.of("command", command, "timeout", 60)))).get("result").asString().trim();
    }

    protected static boolean engineHasContainer(int engine, String sandboxId) {
        try (var e = new DockerContainerEngine(FleetEngines.host(engine))) {
            return e.listByLabel(SandboxRunner.LABEL_SANDBOX).stream()
                    .anyMatch(c -> sandboxId.equals(c.labels().get(SandboxRunner.LABEL_SANDBOX)));
        }
    }

    @AfterEach
    void stopRunners() throws InterruptedException {
        for (String id : sandboxes) {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
        for (Process p : processes.values()) {
            p.destroy();
            p.waitFor();
        }
        for (var e : engines.entrySet()) {
            admin("POST", "/api/runners/" + e.getKey() + "/drain", null);
            FleetEngines.removeAll(FleetEngines.host(e.getValue()), e.getKey());
        }
    }
}
