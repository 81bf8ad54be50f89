package dev.berth.server.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import dev.berth.server.toolbox.process.ToolboxSockets;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Toolbox sessions belong to the sandbox, not to a control-plane replica. Two control planes (separate JVMs,
 * one PostgreSQL) and one runner process: environment changes made through one replica apply through the
 * other, and a session created and started through replica A is listed, executed
 * in and followed through replica B, and shares its shell state across both. Then A is stopped and B, the only
 * replica left, is killed (-9) and started again: the session and its still-running command are there, the
 * command takes input and finishes, and the shell still has its state. A terminal (PTY) started through A is
 * listed and resized through B, attached through B once A's client has left, and outlives the restart.
 */
class SessionReplicasIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String runnerId = "sess-rep-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<ControlPlaneProcess> replicas = new ArrayList<>();
    private Process runner;

    @Test
    void aSessionIsServedByEveryReplicaAndOutlivesARestartOfTheOnlyOne() throws Exception {
        String db = Postgres.freshDatabaseUrl();
        ControlPlaneProcess a = replica("sessions-a", db);
        ControlPlaneProcess b = replica("sessions-b", db);
        // the runner talks to B (the address both replicas would sit behind), which is restarted on its port
        String token = ok(a.call("POST", "/api/runners", "{\"id\":\"" + runnerId + "\",\"region\":\"us\"}"))
                .get("token").asString();
        runner = FleetEngines.startRunner(b.url(), runnerId, token, FleetEngines.host(0), BerthIT.imageCache());
        Awaitility.await("runner ready").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(ok(a.call("GET", "/api/runners/" + runnerId, null)).get("state").asString()));
        String id = ok(a.call("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        Awaitility.await("started").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> "started".equals(ok(a.call("GET", "/api/sandbox/" + id, null)).get("state").asString()));
        String tb = "/api/toolbox/" + id + "/process/session";

        // the toolbox's environment changes are the sandbox's too: set through A, applied by B
        assertThat(a.call("POST", "/api/toolbox/" + id + "/env", "{\"set\":{\"GREETING\":\"hi there\"}}")
                .statusCode()).isEqualTo(200);
        assertThat(ok(b.call("POST", "/api/toolbox/" + id + "/process/execute", "{\"command\":\"echo $GREETING\"}"))
                .get("result").asString()).isEqualTo("hi there\n");

        // created and started through A
        assertThat(a.call("POST", tb, "{\"sessionId\":\"work\"}").statusCode()).isEqualTo(201);
        String first = ok(a.call("POST", tb + "/work/exec", "{\"command\":\"cd /tmp && X=41 && echo started "
                + "&& read line && echo \\\"got $line\\\" && echo oops >&2\",\"runAsync\":true}")).get("cmdId").asString();

        // listed, followed, given input and executed in through B
        JsonNode listed = ok(b.call("GET", tb, null));
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("sessionId").asString()).isEqualTo("work");
        assertThat(listed.get(0).get("commands").get(0).get("id").asString()).isEqualTo(first);
        Awaitility.await("first command started").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> ok(b.call("GET", tb + "/work/command/" + first + "/logs", null)).get("stdout").asString()
                        .equals("started\n"));
        var follow = new ToolboxSockets.Recorder();
        ToolboxSockets.open(b.port, tb + "/work/command/" + first + "/logs?follow=true", BerthIT.ADMIN_KEY, follow);
        assertThat(b.call("POST", tb + "/work/command/" + first + "/input", "{\"data\":\"hello\\n\"}").statusCode())
                .isEqualTo(200);
        ToolboxSockets.Closed closed = follow.closed.get(30, TimeUnit.SECONDS);
        assertThat(closed.code()).isEqualTo(1000);
        String[] streams = ToolboxSockets.demux(follow.bytes());
        assertThat(streams[0]).isEqualTo("started\nhello\ngot hello\n"); // the input is echoed, as Daytona does
        assertThat(streams[1]).isEqualTo("oops\n");
        assertThat(ok(a.call("GET", tb + "/work/command/" + first, null)).get("exitCode").asInt()).isZero();
        JsonNode viaB = ok(b.call("POST", tb + "/work/exec", "{\"command\":\"echo $((X+1)) $(pwd)\"}"));
        assertThat(viaB.get("stdout").asString()).isEqualTo("42 /tmp\n");
        assertThat(viaB.get("exitCode").asInt()).isZero();

        // a terminal started through A is listed and resized through B while A serves it; once A's client has left,
        // B attaches to the same shell
        var termA = new ToolboxSockets.Recorder();
        ToolboxSockets.open(a.port, "/api/toolbox/" + id + "/process/pty/create-connect?id=term&cols=80&rows=24",
                BerthIT.ADMIN_KEY, termA);
        Awaitility.await("terminal connected").atMost(Duration.ofSeconds(20)).until(() -> !termA.texts.isEmpty());
        termA.send("T=seven; echo ready-$T\n");
        Awaitility.await("terminal answers").atMost(Duration.ofSeconds(20)).until(() -> termA.text().contains("ready-seven"));
        JsonNode ptys = ok(b.call("GET", "/api/toolbox/" + id + "/process/pty", null)).get("sessions");
        assertThat(ptys).hasSize(1);
        assertThat(ptys.get(0).get("active").asBoolean()).isTrue();
        assertThat(ok(b.call("POST", "/api/toolbox/" + id + "/process/pty/term/resize", "{\"cols\":101,\"rows\":31}"))
                .get("cols").asInt()).isEqualTo(101);
        var busy = new ToolboxSockets.Recorder();
        ToolboxSockets.open(b.port, "/api/toolbox/" + id + "/process/pty/term/connect", BerthIT.ADMIN_KEY, busy);
        assertThat(busy.closed.get(20, TimeUnit.SECONDS).code()).isEqualTo(1011);
        assertThat(busy.texts).anySatisfy(t -> assertThat(t).contains("another control-plane replica"));
        termA.socket.sendClose(1000, "bye").join();
        Awaitility.await("A let go").atMost(Duration.ofSeconds(20)).until(() -> termA.closed.isDone());
        Awaitility.await("B attaches").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var r = new ToolboxSockets.Recorder();
            ToolboxSockets.open(b.port, "/api/toolbox/" + id + "/process/pty/term/connect", BerthIT.ADMIN_KEY, r);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !r.texts.isEmpty() || r.closed.isDone());
            if (r.closed.isDone()) {
                return false;
            }
            r.send("echo again-$T; stty size\n");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> r.text().contains("31 101"));
            return r.text().contains("again-seven");
        });

        // a command left running; then A goes away and B, the only replica, is killed and started again
        String running = ok(a.call("POST", tb + "/work/exec", "{\"command\":\"read again && echo \\\"$X:$again\\\"\","
                + "\"runAsync\":true}")).get("cmdId").asString();
        a.close();
        b.kill9();
        b.start();
        JsonNode session = Awaitility.await("session back").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> b.call("GET", tb + "/work", null),
                        r -> r.statusCode() == 200).body().transform(JSON::readTree);
        assertThat(session.get("commands")).hasSize(3);
        JsonNode stillRunning = ok(b.call("GET", tb + "/work/command/" + running, null));
        assertThat(stillRunning.has("exitCode")).as("the command still runs after the restart").isFalse();
        assertThat(b.call("POST", tb + "/work/command/" + running + "/input", "{\"data\":\"after\\n\"}").statusCode())
                .isEqualTo(200);
        Awaitility.await("running command finished").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> ok(b.call("GET", tb + "/work/command/" + running, null)).has("exitCode"));
        assertThat(ok(b.call("GET", tb + "/work/command/" + running + "/logs", null)).get("stdout").asString())
                .isEqualTo("after\n41:after\n");
        assertThat(ok(b.call("POST", tb + "/work/exec", "{\"command\":\"pwd\"}")).get("stdout").asString())
                .isEqualTo("/tmp\n");
        // the terminal outlived the restart too (B's attachment ended with B; the shell did not)
        var afterRestart = new ToolboxSockets.Recorder();
        ToolboxSockets.open(b.port, "/api/toolbox/" + id + "/process/pty/term/connect", BerthIT.ADMIN_KEY, afterRestart);
        Awaitility.await("terminal connected after the restart").atMost(Duration.ofSeconds(20))
                .until(() -> !afterRestart.texts.isEmpty());
        afterRestart.send("echo still-$T\n");
        Awaitility.await("terminal kept its shell").atMost(Duration.ofSeconds(20))
                .until(() -> afterRestart.text().contains("still-seven"));
    }

    private ControlPlaneProcess replica(String name, String db) throws Exception {
        ControlPlaneProcess cp = new ControlPlaneProcess(name, db);
        replicas.add(cp);
        return cp.start();
    }

    private static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    @AfterEach
    void cleanup() throws Exception {
        if (runner != null) {
            runner.destroy();
            runner.waitFor(30, TimeUnit.SECONDS);
            runner.destroyForcibly();
        }
        for (ControlPlaneProcess cp : replicas) {
            cp.close();
        }
        FleetEngines.removeAll(FleetEngines.host(0), runnerId);
    }
}
