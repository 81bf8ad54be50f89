package dev.berth.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9, finding 1: a sandbox replaces its agent socket (in {@code /.berth/run}, which it can write) with a
 * symlink to another tenant's socket. The host must neither follow it nor talk to the other sandbox's agent
 * through any entry the sandbox planted; A gets a 502 saying what happened, B is untouched, and A recovers
 * when its socket is back or after a restart. Run against the embedded runner ({@link AgentSocketSwapIT}) and
 * through a runner process's tunnel ({@link AgentSocketSwapTunnelIT}).
 */
public abstract class AgentSocketSwapContract extends BerthIT {

    @Autowired
    Tenants tenants;

    /** Host directory holding the per-sandbox directories of the runner the sandboxes are placed on. */
    protected abstract Path sandboxesDir();

    private final List<String[]> created = new ArrayList<>(); // {sandbox id, key}

    @AfterEach
    void deleteSandboxes() {
        for (String[] s : created) {
            call("DELETE", "/api/sandbox/" + s[0], s[1], null);
        }
    }

    @Test
    void aSandboxCannotRedirectItsToolboxToAnotherTenantsSandbox() throws Exception {
        var a = tenants.owner();
        var b = tenants.owner();
        String sbA = sandbox(a.key());
        String sbB = sandbox(b.key());
        String hostA = execute(sbA, a.key(), "hostname").trim();
        String hostB = execute(sbB, b.key(), "hostname").trim();
        assertThat(hostA).isNotEqualTo(hostB);
        execute(sbB, b.key(), "echo B-SECRET > /tmp/marker");

        // inside A, exactly as the probe did it
        Path socketB = sandboxesDir().resolve(sbB).resolve("run/agent.sock");
        execute(sbA, a.key(), "cd /.berth/run; mv agent.sock real.sock; ln -s " + socketB + " agent.sock");

        HttpResponse<String> exec = executeRaw(sbA, a.key(), "hostname; touch /tmp/pwned");
        assertThat(exec.body()).doesNotContain(hostB);
        assertRefused(exec, "symbolic link");
        HttpResponse<String> download = call("GET", "/api/toolbox/" + sbA + "/files/download?path=/tmp/marker", a.key(),
                null);
        assertThat(download.body()).doesNotContain("B-SECRET");
        assertRefused(download, "symbolic link");

        // B keeps working and never ran A's command
        assertThat(execute(sbB, b.key(), "hostname").trim()).isEqualTo(hostB);
        assertThat(execute(sbB, b.key(), "test -e /tmp/pwned && echo RAN || echo clean").trim()).isEqualTo("clean");

        // A puts its socket back (from the host: A's toolbox is unusable until then): A works again
        Path runA = sandboxesDir().resolve(sbA).resolve("run");
        Files.delete(runA.resolve("agent.sock"));
        Files.move(runA.resolve("real.sock"), runA.resolve("agent.sock"));
        assertThat(execute(sbA, a.key(), "hostname").trim()).isEqualTo(hostA);
    }

    @Test
    void anEntryThatPassesEveryPathCheckStillReachesNoOtherSandbox() throws Exception {
        // what a swap between the host's lstat and its connect would reach: a real socket inode that is B's
        // (a hard link from the host; the sandbox itself cannot link across mounts, but it can win that race)
        var a = tenants.owner();
        var b = tenants.owner();
        String sbA = sandbox(a.key());
        String sbB = sandbox(b.key());
        String hostA = execute(sbA, a.key(), "hostname").trim();
        String hostB = execute(sbB, b.key(), "hostname").trim();
        Path sandboxes = sandboxesDir();
        Path runA = sandboxes.resolve(sbA).resolve("run");
        Files.move(runA.resolve("agent.sock"), runA.resolve("real.sock"));
        Files.createLink(runA.resolve("agent.sock"), sandboxes.resolve(sbB).resolve("run/agent.sock"));

        HttpResponse<String> exec = executeRaw(sbA, a.key(), "hostname; touch /tmp/pwned");
        assertThat(exec.body()).doesNotContain(hostB);
        assertRefused(exec, "refused this sandbox's token");
        assertThat(execute(sbB, b.key(), "test -e /tmp/pwned && echo RAN || echo clean").trim()).isEqualTo("clean");

        // a restart recreates A's socket and rewrites its token (here also missing, as in a sandbox made before
        // tokens existed): A works again, B still does
        ok(call("POST", "/api/sandbox/" + sbA + "/stop", a.key(), null));
        Files.delete(runA.resolve("agent.token"));
        JsonNode started = ok(call("POST", "/api/sandbox/" + sbA + "/start", a.key(), null));
        assertThat(started.get("state").asString()).isEqualTo("started");
        assertThat(execute(sbA, a.key(), "hostname").trim()).isEqualTo(hostA);
        assertThat(execute(sbB, b.key(), "hostname").trim()).isEqualTo(hostB);
    }

    /** 502: the sandbox's own side (its agent socket) is broken, not the request; the message says to restart. */
    private void assertRefused(HttpResponse<String> r, String why) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode e = json(r);
        assertThat(e.get("message").asString()).contains(why).contains("restart the sandbox");
    }

    private String sandbox(String key) {
        JsonNode sb = ok(call("POST", "/api/sandbox", key, "{\"snapshot\":\"berth/busybox\"}"));
        String id = sb.get("id").asString();
        created.add(new String[] {id, key});
        return id;
    }

    private HttpResponse<String> executeRaw(String sandbox, String key, String command) {
        return call("POST", "/api/toolbox/" + sandbox + "/process/execute", key,
                JSON.writeValueAsString(java.util.Map.of("command", command)));
    }

    private String execute(String sandbox, String key, String command) {
        JsonNode r = ok(executeRaw(sandbox, key, command));
        assertThat(r.get("exitCode").asInt()).as(r.toString()).isZero();
        return r.get("result").asString();
    }
}
