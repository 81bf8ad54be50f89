package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.protocol.ContainerStatus;
import dev.berth.runner.engine.ContainerInfo;
import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * kill -9 of a control-plane instance while it creates, stops and deletes sandboxes: with a second
 * instance running (the runner talks to it), and again with a restart of the only instance. Each
 * sandbox ends in a settled state that matches its container; nothing is lost, duplicated or orphaned.
 */
class ControlPlaneCrashReconcileIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final List<AutoCloseable> started = new ArrayList<>();
    private final String runnerId = "recon-cp-" + UUID.randomUUID().toString().substring(0, 8);
    private Process runner;

    @Test
    void killedInstanceWithASecondRunning() throws Exception {
        String db = Postgres.freshDatabaseUrl();
        ControlPlaneProcess a = track(new ControlPlaneProcess("a", db)).start();
        ControlPlaneProcess b = track(new ControlPlaneProcess("b", db)).start();
        scenario("second instance running", a, b, a, () -> null);
    }

    @Test
    void onlyInstanceKilledAndRestarted() throws Exception {
        String db = Postgres.freshDatabaseUrl();
        ControlPlaneProcess a = track(new ControlPlaneProcess("only", db)).start();
        scenario("only instance, restarted", a, a, a, () -> {
            a.start();
            return null;
        });
    }

    interface Recovery {
        Void run() throws Exception;
    }

    /** {@code victim} gets the requests and is killed; {@code survivor} serves the runner and the checks. */
    private void scenario(String label, ControlPlaneProcess victim, ControlPlaneProcess survivor, ControlPlaneProcess admin,
            Recovery recovery) throws Exception {
        String host = FleetEngines.host(1);
        String token = json(admin.call("POST", "/api/runners", "{\"id\":\"" + runnerId + "\",\"region\":\"us\"}"))
                .get("token").asString();
        runner = FleetEngines.startRunner(survivor.url(), runnerId, token, host, BerthIT.imageCache());
        Awaitility.await("runner ready").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(json(survivor.call("GET", "/api/runners/" + runnerId, null)).get("state").asString()));
        String toStop = create(survivor);
        String toDelete = create(survivor);

        CompletableFuture<HttpResponse<String>> c = victim.callAsync("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}");
        CompletableFuture<HttpResponse<String>> s = victim.callAsync("POST", "/api/sandbox/" + toStop + "/stop", null);
        CompletableFuture<HttpResponse<String>> d = victim.callAsync("DELETE", "/api/sandbox/" + toDelete, null);
        // kill as soon as the instance is in the middle of the work: one of them recorded its in-flight state
        Awaitility.await("work in flight").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> inFlight(victim, toStop, toDelete) || (c.isDone() && s.isDone() && d.isDone()));
        String seen = states(victim);
        victim.kill9();
        long t0 = System.nanoTime();
        System.out.printf("%s: killed with %s%n", label, seen);
        recovery.run();

        try {
            Awaitility.await("converged").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> settledAndTruthful(survivor, host, toStop, toDelete));
        } catch (ConditionTimeoutException e) {
            // say what did not settle: the rows, the containers and the runner as the survivor sees it
            System.out.printf("%s: not converged after %.1f s%n  rows: %s%n  containers: %s%n  runner: %s%n", label,
                    (System.nanoTime() - t0) / 1e9, rows(survivor), containers(host),
                    survivor.call("GET", "/api/runners/" + runnerId, null).body());
            throw e;
        }
        System.out.printf("convergence (control plane kill -9 mid create/stop/delete, %s): %.1f s -> %s%n", label,
                (System.nanoTime() - t0) / 1e9, states(survivor));
        JsonNode live = json(survivor.call("GET", "/api/sandbox", null)).get("items");
        assertThat(live.size()).as("at most the two plus the one being created").isBetween(1, 3);
    }

    private boolean inFlight(ControlPlaneProcess cp, String toStop, String toDelete) {
        for (JsonNode sb : json(cp.call("GET", "/api/sandbox", null)).get("items")) {
            String st = sb.get("state").asString();
            if (st.equals("creating") || st.equals("stopping") || st.equals("destroying")) {
                return true;
            }
        }
        return false;
    }

    private String states(ControlPlaneProcess cp) {
        try {
            StringBuilder out = new StringBuilder();
            for (JsonNode sb : json(cp.call("GET", "/api/sandbox", null)).get("items")) {
                out.append(sb.get("id").asString(), 0, 8).append('=').append(sb.get("state").asString()).append(' ');
            }
            return out.toString().trim();
        } catch (RuntimeException e) {
            return "(unreachable)";
        }
    }

    private String rows(ControlPlaneProcess cp) {
        try {
            StringBuilder out = new StringBuilder();
            for (JsonNode sb : json(cp.call("GET", "/api/sandbox", null)).get("items")) {
                out.append(sb.get("id").asString(), 0, 8).append('=').append(sb.get("state").asString())
                        .append(sb.has("errorReason") && !sb.get("errorReason").isNull()
                                ? "(" + sb.get("errorReason").asString() + ")" : "")
                        .append(' ');
            }
            return out.toString().trim();
        } catch (RuntimeException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private String containers(String host) {
        StringBuilder out = new StringBuilder();
        FleetEngines.containersOf(host, runnerId)
                .forEach((id, c) -> out.append(id, 0, 8).append('=').append(c.status()).append(' '));
        return out.toString().trim();
    }

    /** Every live row settled and matching its container; no container without a live row. */
    private boolean settledAndTruthful(ControlPlaneProcess cp, String host, String toStop, String toDelete) {
        Map<String, ContainerInfo> on = FleetEngines.containersOf(host, runnerId);
        JsonNode items = json(cp.call("GET", "/api/sandbox", null)).get("items");
        Set<String> liveIds = new java.util.HashSet<>();
        for (JsonNode sb : items) {
            String id = sb.get("id").asString();
            liveIds.add(id);
            ContainerInfo ci = on.get(id);
            ContainerStatus c = ci == null ? ContainerStatus.MISSING : ci.status();
            boolean ok = switch (sb.get("state").asString()) {
                case "started" -> c == ContainerStatus.RUNNING;
                case "stopped" -> c == ContainerStatus.EXITED;
                case "error" -> c != ContainerStatus.RUNNING;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        if (!liveIds.containsAll(on.keySet())) {
            return false; // an orphan container is still there
        }
        // the sandbox being deleted is gone or untouched, never lost half-way
        int del = cp.call("GET", "/api/sandbox/" + toDelete, null).statusCode();
        return del == 404 || liveIds.contains(toDelete);
    }

    private String create(ControlPlaneProcess cp) {
        JsonNode sb = json(cp.call("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}"));
        assertThat(sb.get("state").asString()).isEqualTo("started");
        return sb.get("id").asString();
    }

    private static JsonNode json(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private ControlPlaneProcess track(ControlPlaneProcess cp) {
        started.add(cp);
        return cp;
    }

    @AfterEach
    void cleanup() throws Exception {
        if (runner != null) {
            runner.destroy();
            runner.waitFor();
        }
        for (AutoCloseable c : started) {
            c.close();
        }
        FleetEngines.removeAll(FleetEngines.host(1), runnerId);
    }
}
