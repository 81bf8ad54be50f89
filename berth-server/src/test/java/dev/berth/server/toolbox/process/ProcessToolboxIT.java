package dev.berth.server.toolbox.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.toolbox.process.ToolboxSockets.Closed;
import dev.berth.server.toolbox.process.ToolboxSockets.Recorder;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The process toolbox end to end on a busybox sandbox of the real engine. */
class ProcessToolboxIT extends BerthIT {

    private String id;

    @BeforeEach
    void sandbox() {
        id = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
    }

    @AfterEach
    void cleanup() {
        admin("DELETE", "/api/sandbox/" + id, null);
    }

    private String tb(String path) {
        return "/api/toolbox/" + id + path;
    }

    private JsonNode execute(String body) {
        return ok(admin("POST", tb("/process/execute"), body));
    }

    private JsonNode sessionExec(String session, String command, boolean async) {
        return ok(admin("POST", tb("/process/session/" + session + "/exec"),
                JSON.writeValueAsString(java.util.Map.of("command", command, "runAsync", async))));
    }

    private static Closed closed(Recorder r) throws Exception {
        return r.closed.get(30, TimeUnit.SECONDS);
    }

    @Test
    void executeCombinesOutputHonoursCwdAndEnvAndKillsTheProcessGroupOnTimeout() {
        JsonNode r = execute("{\"command\":\"echo out; echo err >&2; echo out2; exit 3\"}");
        assertThat(r.get("exitCode").asInt()).isEqualTo(3);
        assertThat(r.get("result").asString()).isEqualTo("out\nerr\nout2\n");
        assertThat(execute("{\"command\":\"pwd\",\"cwd\":\"/tmp\"}").get("result").asString()).isEqualTo("/tmp\n");
        assertThat(execute("{\"command\":\"echo $FOO\",\"envs\":{\"FOO\":\"b a r\"}}").get("result").asString())
                .isEqualTo("b a r\n");

        long t0 = System.nanoTime();
        HttpResponse<String> timeout = admin("POST", tb("/process/execute"),
                "{\"command\":\"sh -c 'sleep 300 & sleep 301'\",\"timeout\":1}");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(timeout.statusCode()).as(timeout.body()).isEqualTo(408);
        assertThat(json(timeout).get("code").asString()).isEqualTo("PROCESS_EXECUTION_TIMEOUT");
        assertThat(json(timeout).get("source").asString()).isEqualTo("DAYTONA_DAEMON");
        assertThat(execute("{\"command\":\"ps\"}").get("result").asString()).doesNotContain("sleep 30");

        HttpResponse<String> noPython = admin("POST", tb("/process/code-run"),
                "{\"code\":\"print(1)\",\"language\":\"python\"}");
        assertThat(noPython.statusCode()).isEqualTo(400);
        assertThat(json(noPython).get("message").asString()).contains("no 'python3'");

        HttpResponse<String> unknown = admin("POST", "/api/toolbox/no-such-sandbox/process/execute",
                "{\"command\":\"true\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("source").asString()).isEqualTo("DAYTONA_DAEMON");
    }

    @Test
    void updateEnvReachesLaterExecuteSessionsAndPtysButNotOtherSandboxes() throws Exception {
        ok(admin("POST", tb("/env"), "{\"set\":{\"A\":\"1\",\"B\":\"two words\"}}"));
        String probe = "echo \"$A|${B-none}|${C-none}|${HOME-none}\"";
        assertThat(execute(JSON.writeValueAsString(java.util.Map.of("command", probe))).get("result").asString())
                .isEqualTo("1|two words|none|/root\n");
        assertThat(execute(JSON.writeValueAsString(java.util.Map.of("command", probe, "envs", java.util.Map.of("A", "req")))
                ).get("result").asString()).as("request envs win").isEqualTo("req|two words|none|/root\n");

        // unset also removes variables the process would inherit (HOME), before set is applied
        ok(admin("POST", tb("/env"), "{\"set\":{\"C\":\"3\"},\"unset\":[\"B\",\"HOME\",\"C\"]}"));
        assertThat(execute(JSON.writeValueAsString(java.util.Map.of("command", probe))).get("result").asString())
                .isEqualTo("1|none|3|none\n");
        ok(admin("POST", tb("/process/session"), "{\"sessionId\":\"env\"}"));
        assertThat(sessionExec("env", probe, false).get("stdout").asString()).isEqualTo("1|none|3|none\n");
        HttpResponse<String> code = admin("POST", tb("/process/code-run"), "{\"code\":\"print(1)\",\"language\":\"python\"}");
        assertThat(json(code).get("message").asString()).as("code-run through env -u").contains("no 'python3'");

        Recorder r = new Recorder();
        ToolboxSockets.open(port, tb("/process/pty/create-connect?id=env&cols=80&rows=24"), ADMIN_KEY, r);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !r.texts.isEmpty());
        // (not HOME: a login shell derives it again)
        r.send("echo \"pty-$A-${B-none}-$C-end\"\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(r.text()).as("PTY output; frames %s", r.texts).contains("pty-1-none-3-end"));
        r.send("exit\n");
        closed(r);

        ok(admin("POST", tb("/env"), "{\"set\":{\"B\":\"back\",\"HOME\":\"/tmp\"}}"));
        assertThat(execute(JSON.writeValueAsString(java.util.Map.of("command", probe))).get("result").asString())
                .isEqualTo("1|back|3|/tmp\n");

        // bounds and validation: nothing is applied from a rejected request
        for (String bad : new String[] {"{\"set\":{\"X=Y\":\"1\"}}", "{\"unset\":[\"\"]}",
                "{\"set\":{\"BIG\":\"" + "x".repeat(40_000) + "\"}}", "{\"set\":{\"OK\":\"1\",\"NUL\":\"a\\u0000b\"}}"}) {
            HttpResponse<String> resp = admin("POST", tb("/env"), bad);
            assertThat(resp.statusCode()).as(resp.body()).isEqualTo(400);
            assertThat(resp.body()).doesNotContain("xxxxxxxx");
        }
        java.util.Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 253; i++) {
            many.put("V" + i, "v");
        }
        assertThat(admin("POST", tb("/env"), JSON.writeValueAsString(java.util.Map.of("set", many))).statusCode())
                .as("256 kept at most (A, B, C, HOME + 253)").isEqualTo(400);
        assertThat(execute("{\"command\":\"echo ${OK-none}${V0-none}\"}").get("result").asString()).isEqualTo("nonenone\n");

        // another sandbox of the same organization is unaffected; an unknown one is a 404
        String other = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        try {
            assertThat(ok(admin("POST", "/api/toolbox/" + other + "/process/execute", JSON.writeValueAsString(
                    java.util.Map.of("command", probe)))).get("result").asString()).isEqualTo("|none|none|/root\n");
        } finally {
            admin("DELETE", "/api/sandbox/" + other, null);
        }
        assertThat(admin("POST", "/api/toolbox/no-such-sandbox/env", "{\"set\":{\"A\":\"1\"}}").statusCode())
                .isEqualTo(404);
    }

    @Test
    void sessionsKeepShellStateSeparateStreamsAndTakeInput() {
        ok(admin("POST", tb("/process/session"), "{\"sessionId\":\"s1\"}"));
        assertThat(admin("POST", tb("/process/session"), "{\"sessionId\":\"s1\"}").statusCode()).isEqualTo(409);

        assertThat(sessionExec("s1", "cd /tmp && X=1 && export Y=2", false).get("exitCode").asInt()).isZero();
        JsonNode pwd = sessionExec("s1", "pwd; echo \"$X$Y\"; echo e >&2", false);
        assertThat(pwd.get("stdout").asString()).isEqualTo("/tmp\n12\n");
        assertThat(pwd.get("stderr").asString()).isEqualTo("e\n");
        assertThat(pwd.get("output").asString()).contains("/tmp\n", "e\n");
        assertThat(sessionExec("s1", "false", false).get("exitCode").asInt()).isEqualTo(1);
        assertThat(sessionExec("s1", "if", false).get("exitCode").asInt()).as("syntax error").isNotZero();
        assertThat(sessionExec("s1", "echo 'still' \"alive\"", false).get("stdout").asString()).isEqualTo("still alive\n");

        String cmd = sessionExec("s1", "read line; echo \"got $line\"; exit_code=7; (exit $exit_code)", true)
                .get("cmdId").asString();
        JsonNode running = ok(admin("GET", tb("/process/session/s1/command/" + cmd), null));
        assertThat(running.has("exitCode")).isFalse();
        ok(admin("POST", tb("/process/session/s1/command/" + cmd + "/input"), "{\"data\":\"hello\\n\"}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> ok(admin("GET", tb("/process/session/s1/command/" + cmd), null)).has("exitCode"));
        assertThat(ok(admin("GET", tb("/process/session/s1/command/" + cmd), null)).get("exitCode").asInt()).isEqualTo(7);
        JsonNode logs = ok(admin("GET", tb("/process/session/s1/command/" + cmd + "/logs"), null));
        assertThat(logs.get("stdout").asString()).contains("got hello");
        HttpResponse<String> late = admin("POST", tb("/process/session/s1/command/" + cmd + "/input"), "{\"data\":\"x\"}");
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(json(late).get("code").asString()).isEqualTo("COMMAND_ALREADY_COMPLETED");

        JsonNode session = ok(admin("GET", tb("/process/session/s1"), null));
        assertThat(session.get("sessionId").asString()).isEqualTo("s1");
        assertThat(session.get("commands").size()).isEqualTo(6);
        assertThat(ok(admin("GET", tb("/process/session"), null)).size()).isEqualTo(1);

        assertThat(admin("DELETE", tb("/process/session/s1"), null).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = admin("GET", tb("/process/session/s1"), null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).get("code").asString()).isEqualTo("PROCESS_NOT_FOUND");
    }

    @Test
    void sessionFilesTamperedWithByTheSandboxAnswerBoundedAndSane() {
        // ids that would leave the sessions directory are refused before anything touches the sandbox
        for (String bad : new String[] {"..", ".", "a/b"}) {
            HttpResponse<String> r = admin("POST", tb("/process/session"), JSON.writeValueAsString(
                    java.util.Map.of("sessionId", bad)));
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
        }
        ok(admin("POST", tb("/process/session"), "{\"sessionId\":\"h\"}"));
        // a command cannot read the queue of the commands after it (the driver's fd 3 is closed for it)
        JsonNode steal = sessionExec("h", "cat <&3", false);
        assertThat(steal.get("exitCode").asInt()).isNotZero();
        assertThat(sessionExec("h", "echo next", false).get("stdout").asString()).isEqualTo("next\n");

        // the sandbox rewrites a finished command's records: garbage exit code, output as a FIFO, a huge file
        String cmd = sessionExec("h", "echo fine", true).get("cmdId").asString();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> ok(admin("GET", tb("/process/session/h/command/" + cmd), null)).has("exitCode"));
        String dir = "/tmp/.berth/sessions/h/c/" + cmd;
        execute("{\"command\":\"printf 'x\\\\n' > " + dir + "/exit; rm " + dir + "/out; mkfifo " + dir
                + "/out; yes | head -c 30000000 > " + dir + "/err\"}");
        JsonNode c = ok(admin("GET", tb("/process/session/h/command/" + cmd), null));
        assertThat(c.get("exitCode").asInt()).as("an unparsable exit code reads as -1").isEqualTo(-1);
        JsonNode logs = ok(admin("GET", tb("/process/session/h/command/" + cmd + "/logs"), null));
        assertThat(logs.get("stdout").asString()).as("a FIFO is not read (it would block)").isEmpty();
        assertThat(logs.get("stderr").asString().length()).as("at most commandOutput (10 MB) of a stream")
                .isEqualTo(10 * 1024 * 1024);

        // a session's output on the sandbox's disk is bounded by session-output (32 MB): queueing a command forgets
        // the oldest finished ones beyond it
        String big = sessionExec("h", "yes | head -c 34000000", false).get("cmdId").asString();
        assertThat(ok(admin("GET", tb("/process/session/h"), null)).findValuesAsString("id")).contains(big);
        String small = sessionExec("h", "echo small", false).get("cmdId").asString();
        assertThat(ok(admin("GET", tb("/process/session/h"), null)).findValuesAsString("id"))
                .contains(small).doesNotContain(big);

        // the driver is killed from inside: the session reports it has ended, its commands are finished
        execute("{\"command\":\"kill -9 $(cat /tmp/.berth/sessions/h/pid)\"}");
        HttpResponse<String> ended = admin("POST", tb("/process/session/h/exec"), "{\"command\":\"true\"}");
        assertThat(ended.statusCode()).as(ended.body()).isEqualTo(410);
        assertThat(json(ended).get("code").asString()).isEqualTo("SESSION_ENDED");
        assertThat(admin("DELETE", tb("/process/session/h"), null).statusCode()).isEqualTo(204);
        assertThat(ok(admin("GET", tb("/process/session"), null)).size()).isZero();
    }

    @Test
    void followedLogsAreMarkedPerStreamAndCloseNormallyWhenTheCommandEnds() throws Exception {
        ok(admin("POST", tb("/process/session"), "{\"sessionId\":\"f\"}"));
        String cmd = sessionExec("f", "echo a; echo b >&2; sleep 1; echo c", true).get("cmdId").asString();
        Recorder r = new Recorder();
        WebSocket ws = ToolboxSockets.open(port, tb("/process/session/f/command/" + cmd + "/logs?follow=true"),
                ADMIN_KEY, r);
        assertThat(ws.getSubprotocol()).isEmpty();
        Closed c = closed(r);
        assertThat(c.code()).isEqualTo(1000);
        String[] streams = ToolboxSockets.demux(r.bytes());
        assertThat(streams[0]).isEqualTo("a\nc\n");
        assertThat(streams[1]).isEqualTo("b\n");
        // the same path without an upgrade is the JSON logs endpoint
        assertThat(ok(admin("GET", tb("/process/session/f/command/" + cmd + "/logs?follow=true"), null))
                .get("stdout").asString()).isEqualTo("a\nc\n");

        Recorder entry = new Recorder();
        ToolboxSockets.open(port, tb("/process/session/entrypoint/logs?follow=true"), ADMIN_KEY, entry);
        assertThat(closed(entry).code()).isEqualTo(1000);
        assertThat(ok(admin("GET", tb("/process/session/entrypoint/logs"), null)).has("output")).isTrue();
    }

    @Test
    void ptyRoundTripWithEnvsResizeAndExitCode() throws Exception {
        String envs = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"FOO\":\"bar\"}".getBytes(StandardCharsets.UTF_8));
        Recorder r = new Recorder();
        WebSocket ws = ToolboxSockets.open(port, tb("/process/pty/create-connect?id=t1&cols=80&rows=24"), ADMIN_KEY,
                r, "X-Daytona-Pty-Envs~" + envs, "X-Daytona-Pty-Exit-Control");
        assertThat(ws.getSubprotocol()).isEqualTo("X-Daytona-Pty-Exit-Control");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !r.texts.isEmpty());
        assertThat(r.texts.get(0)).isEqualTo("{\"type\":\"control\",\"status\":\"connected\"}");

        r.send("echo hi-$FOO\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> r.text().contains("hi-bar"));
        JsonNode info = ok(admin("POST", tb("/process/pty/t1/resize"), "{\"cols\":100,\"rows\":30}"));
        assertThat(info.get("cols").asInt()).isEqualTo(100);
        r.send("stty size\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> r.text().contains("30 100"));
        JsonNode list = ok(admin("GET", tb("/process/pty"), null));
        assertThat(list.get("sessions").get(0).get("id").asString()).isEqualTo("t1");
        assertThat(list.get("sessions").get(0).get("active").asBoolean()).isTrue();

        r.send("exit 5\n");
        Closed c = closed(r);
        assertThat(c.code()).isEqualTo(1000);
        assertThat(JSON.readTree(c.reason()).get("exitCode").asInt()).isEqualTo(5);
        assertThat(r.texts).anySatisfy(t -> assertThat(t).contains("\"status\":\"exited\"", "\"exitCode\":5"));
        assertThat(ok(admin("GET", tb("/process/pty/t1"), null)).get("active").asBoolean()).isFalse();

        HttpResponse<String> missing = admin("GET", tb("/process/pty/nope"), null);
        assertThat(missing.statusCode()).isEqualTo(404);
    }
}
