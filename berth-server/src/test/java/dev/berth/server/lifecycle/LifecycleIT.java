package dev.berth.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.BerthIT;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The lifecycle policies against the real engine, with "minutes" of one second: an idle sandbox stops and one whose
 * session command still runs does not; a paused sandbox's processes are frozen and go on after a toolbox call;
 * ephemeral and ttl sandboxes vanish; the setters validate.
 */
class LifecycleIT extends BerthIT {

    @DynamicPropertySource
    static void fast(DynamicPropertyRegistry r) {
        r.add("berth.reconciler.interval", () -> "300ms");
        r.add("berth.lifecycle.minute", () -> "1s");
        r.add("berth.lifecycle.sweep-interval", () -> "300ms");
        r.add("berth.lifecycle.activity-flush", () -> "200ms");
    }

    private JsonNode create(String extra) {
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"" + extra + "}"));
        assertThat(sb.get("state").asString()).isEqualTo("started");
        return sb;
    }

    private String state(String id) {
        var r = admin("GET", "/api/sandbox/" + id, null);
        return r.statusCode() == 404 ? "gone" : json(r).get("state").asString();
    }

    private JsonNode exec(String id, String command) {
        return ok(admin("POST", "/api/toolbox/" + id + "/process/execute",
                JSON.writeValueAsString(Map.of("command", command))));
    }

    private void sessionExec(String id, String session, String command, boolean async) {
        ok(admin("POST", "/api/toolbox/" + id + "/process/session/" + session + "/exec",
                JSON.writeValueAsString(Map.of("command", command, "runAsync", async))));
    }

    @Test
    void anIdleSandboxStopsWhileOnesWithASessionCommandOrAnExecuteStillRunningDoNot() throws Exception {
        String idle = create(",\"autoStopInterval\":3").get("id").asString();
        String busy = create(",\"autoStopInterval\":3").get("id").asString();
        String executing = create(",\"autoStopInterval\":3").get("id").asString();
        try {
            ok(admin("POST", "/api/toolbox/" + busy + "/process/session", "{\"sessionId\":\"work\"}"));
            sessionExec(busy, "work", "sleep 120", true);
            // an execute that runs past the interval holds its sandbox until it returns
            var longExec = java.util.concurrent.CompletableFuture.supplyAsync(() -> exec(executing, "sleep 9; echo done"));

            await().atMost(Duration.ofSeconds(30)).until(() -> state(idle).equals("stopped"));
            JsonNode stopped = getSandbox(idle);
            assertThat(stopped.get("stateReason").asString()).startsWith("auto-stop: idle for 3 min");
            assertThat(stopped.get("desiredState").asString()).isEqualTo("stopped");
            // well past its interval, the busy one is still running (its command outlives the interval)
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> state(busy).equals("started")
                    && state(executing).equals("started"));
            assertThat(longExec.get(30, java.util.concurrent.TimeUnit.SECONDS).get("result").asString()).contains("done");

            JsonNode audit = ok(admin("GET", "/api/audit-logs?targetId=" + idle + "&action=sandbox.auto-stop", null));
            assertThat(audit.get("items")).isNotEmpty();
            assertThat(audit.get("items").get(0).get("actor").asString()).isEqualTo("policy:auto-stop");
            assertThat(audit.get("items").get(0).get("outcome").asString()).isEqualTo("success");
        } finally {
            admin("DELETE", "/api/sandbox/" + idle, null);
            admin("DELETE", "/api/sandbox/" + busy, null);
            admin("DELETE", "/api/sandbox/" + executing, null);
        }
    }

    @Test
    void aPausedSandboxIsFrozenAndResumesOnAToolboxCallWithItsProcessesAlive() {
        String id = create(",\"autoPauseInterval\":2").get("id").asString();
        try {
            assertThat(getSandbox(id).get("autoStopInterval").asInt()).isZero(); // auto-pause replaces auto-stop
            // a background counter started through a session (the command itself ends at once)
            ok(admin("POST", "/api/toolbox/" + id + "/process/session", "{\"sessionId\":\"bg\"}"));
            sessionExec(id, "bg", "(i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done) "
                    + "> /dev/null 2>&1 & echo $! > /tmp/pid", false);

            await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("paused"));
            assertThat(getSandbox(id).get("stateReason").asString()).startsWith("auto-pause");
            assertThat(engine.isPaused("berth-" + id)).isTrue();

            // the toolbox call resumes it: the same counter process goes on counting
            String pid = exec(id, "cat /tmp/pid").get("result").asString().trim();
            assertThat(state(id)).isEqualTo("started");
            assertThat(engine.isPaused("berth-" + id)).isFalse();
            int first = Integer.parseInt(exec(id, "cat /tmp/n").get("result").asString().trim());
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Integer.parseInt(exec(id, "cat /tmp/n").get("result").asString().trim()) > first);
            assertThat(exec(id, "kill -0 " + pid + " && echo alive").get("result").asString()).contains("alive");
        } finally {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
    }

    @Test
    void pauseAndStartByRequest() {
        String id = create(",\"autoStopInterval\":0").get("id").asString();
        try {
            JsonNode paused = ok(admin("POST", "/api/sandbox/" + id + "/pause", null));
            assertThat(paused.get("state").asString()).isEqualTo("paused");
            assertThat(engine.isPaused("berth-" + id)).isTrue();
            // a paused sandbox cannot be archived or paused into another state; start thaws it
            assertThat(ok(admin("POST", "/api/sandbox/" + id + "/start", null)).get("state").asString())
                    .isEqualTo("started");
            assertThat(engine.isPaused("berth-" + id)).isFalse();
            // pause, then stop: the frozen processes are thawed and stopped
            ok(admin("POST", "/api/sandbox/" + id + "/pause", null));
            assertThat(ok(admin("POST", "/api/sandbox/" + id + "/stop", null)).get("state").asString())
                    .isEqualTo("stopped");
            var again = admin("POST", "/api/sandbox/" + id + "/pause", null);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(again.body()).contains("stopped");
        } finally {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
    }

    @Test
    void anEphemeralSandboxIsDeletedOnceStoppedAndATtlSandboxAtItsDeadline() {
        String ephemeral = create(",\"autoDeleteInterval\":0").get("id").asString();
        String ttl = create(",\"ttlMinutes\":3").get("id").asString();
        assertThat(getSandbox(ttl).get("autoDestroyAt").asString()).isNotBlank();
        ok(admin("POST", "/api/sandbox/" + ephemeral + "/stop", null));
        await().atMost(Duration.ofSeconds(30)).until(() -> state(ephemeral).equals("gone"));
        await().atMost(Duration.ofSeconds(30)).until(() -> state(ttl).equals("gone"));
        assertThat(engine.inspect("berth-" + ephemeral)).isEmpty();
        assertThat(engine.inspect("berth-" + ttl)).isEmpty();
        JsonNode audit = ok(admin("GET", "/api/audit-logs?targetId=" + ttl + "&action=sandbox.ttl", null));
        assertThat(audit.get("items").get(0).get("actor").asString()).isEqualTo("policy:ttl");
    }

    @Test
    void settersValidateAndTakeEffectFromTheChange() {
        String id = create(",\"autoStopInterval\":0").get("id").asString();
        try {
            for (String bad : new String[] {"autostop/-1", "autostop/abc", "autopause/-2", "autoarchive/-1", "ttl/-5",
                    "autostop/99999999"}) {
                var r = admin("POST", "/api/sandbox/" + id + "/" + bad, null);
                assertThat(r.statusCode()).as(bad).isEqualTo(400);
                assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
            }
            for (String body : new String[] {"\"autoStopInterval\":5,\"autoPauseInterval\":5",
                    "\"autoPauseInterval\":5,\"autoDeleteInterval\":0", "\"ttlMinutes\":-1",
                    "\"autoPauseInterval\":-1"}) {
                var r = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"," + body + "}");
                if (r.statusCode() / 100 == 2) {
                    admin("DELETE", "/api/sandbox/" + json(r).get("id").asString(), null);
                }
                assertThat(r.statusCode()).as(body).isEqualTo(400);
            }
            assertThat(ok(admin("POST", "/api/sandbox/" + id + "/autodelete/-7", null)).get("autoDeleteInterval").asInt())
                    .isEqualTo(-1);
            // auto-stop 0: idle for 4 s and still running (which also gives the change below something to not count)
            await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> state(id).equals("started"));
            JsonNode paused = ok(admin("POST", "/api/sandbox/" + id + "/autopause/30", null));
            assertThat(paused.get("autoPauseInterval").asInt()).isEqualTo(30);
            assertThat(paused.get("autoStopInterval").asInt()).isZero();
            JsonNode stop = ok(admin("POST", "/api/sandbox/" + id + "/autostop/3", null));
            assertThat(stop.get("autoStopInterval").asInt()).isEqualTo(3);
            assertThat(stop.get("autoPauseInterval").asInt()).isZero();
            Instant changed = Instant.now();
            // idle since its creation, but the new interval counts from the change: not stopped before it has passed
            await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("stopped"));
            // counted from the change (3 s), not from its creation 4 s before it (which would stop it at once)
            assertThat(Instant.parse(getSandbox(id).get("updatedAt").asString()))
                    .isAfterOrEqualTo(changed.plusSeconds(3).minusMillis(500));
            assertThat(admin("POST", "/api/sandbox/" + id + "/ttl/0", null).statusCode()).isEqualTo(200);
            assertThat(getSandbox(id).has("autoDestroyAt")).isFalse();
        } finally {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
    }

    @Test
    void refreshActivityAndToolboxCallsMoveTheLastActivity() {
        String id = create(",\"autoStopInterval\":0").get("id").asString();
        try {
            Instant before = Instant.parse(getSandbox(id).get("lastActivityAt").asString());
            var r = admin("POST", "/api/sandbox/" + id + "/last-activity", "{}");
            assertThat(r.statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    Instant.parse(getSandbox(id).get("lastActivityAt").asString()).isAfter(before));
            Instant refreshed = Instant.parse(getSandbox(id).get("lastActivityAt").asString());
            exec(id, "true");
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    Instant.parse(getSandbox(id).get("lastActivityAt").asString()).isAfter(refreshed));
            assertThat(admin("POST", "/api/sandbox/no-such-sandbox/last-activity", "{}").statusCode()).isEqualTo(404);
        } finally {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
    }
}
