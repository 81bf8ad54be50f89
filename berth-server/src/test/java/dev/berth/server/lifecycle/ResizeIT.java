package dev.berth.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Resize on the embedded runner: live cgroup limits of a started sandbox, a stopped one's limits at its start. */
class ResizeIT extends BerthIT {

    private String exec(String id, String command) {
        return ok(admin("POST", "/api/toolbox/" + id + "/process/execute",
                JSON.writeValueAsString(Map.of("command", command)))).get("result").asString().trim();
    }

    private String limits(String id) throws java.io.IOException {
        return CgroupLimits.of(engine.inspect("berth-" + id).orElseThrow().pid());
    }

    @Test
    void aStartedSandboxIsResizedLiveAndAStoppedOneAtItsStart() throws Exception {
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"cpu\":1,\"memory\":1}"));
        String id = sb.get("id").asString();
        try {
            assertThat(limits(id)).isEqualTo("100000 100000\n1073741824");
            exec(id, "sh -c 'sleep 300 > /dev/null 2>&1 & echo $! > /tmp/pid'");
            String pid = exec(id, "cat /tmp/pid");

            JsonNode resized = ok(admin("POST", "/api/sandbox/" + id + "/resize", "{\"cpu\":2,\"memory\":2}"));
            assertThat(resized.get("state").asString()).isEqualTo("started");
            assertThat(resized.get("cpu").asInt()).isEqualTo(2);
            assertThat(resized.get("memory").asInt()).isEqualTo(2);
            assertThat(resized.get("disk").asInt()).isEqualTo(sb.get("disk").asInt());
            // live: the same processes, the new cgroup limits
            assertThat(limits(id)).isEqualTo("200000 100000\n2147483648");
            assertThat(exec(id, "sh -c 'kill -0 " + pid + " && echo alive'")).isEqualTo("alive");

            // refused, naming the field, changing nothing
            var tooBig = admin("POST", "/api/sandbox/" + id + "/resize", "{\"memory\":9}");
            assertThat(tooBig.statusCode()).isEqualTo(400);
            assertThat(tooBig.body()).contains("memory must be between 1 and 8");
            assertThat(admin("POST", "/api/sandbox/" + id + "/resize", "{}").statusCode()).isEqualTo(400);
            assertThat(admin("POST", "/api/sandbox/" + id + "/resize", "{\"cpu\":2,\"ram\":4}").statusCode())
                    .isEqualTo(400);
            assertThat(admin("POST", "/api/sandbox/" + id + "/resize", "{\"gpu\":1}").statusCode()).isEqualTo(400);
            assertThat(getSandbox(id).get("memory").asInt()).isEqualTo(2);

            // stopped: recorded and applied to the container, in force at the start
            ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
            JsonNode stopped = ok(admin("POST", "/api/sandbox/" + id + "/resize", "{\"cpu\":1,\"memory\":1,\"disk\":4}"));
            assertThat(stopped.get("state").asString()).isEqualTo("stopped");
            assertThat(stopped.get("disk").asInt()).isEqualTo(4);
            ok(admin("POST", "/api/sandbox/" + id + "/start", null));
            assertThat(limits(id)).isEqualTo("100000 100000\n1073741824");

            // paused: not resizable (409 naming the state)
            ok(admin("POST", "/api/sandbox/" + id + "/pause", null));
            var paused = admin("POST", "/api/sandbox/" + id + "/resize", "{\"cpu\":2}");
            assertThat(paused.statusCode()).isEqualTo(409);
            assertThat(paused.body()).contains("'paused'");
        } finally {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
    }
}
