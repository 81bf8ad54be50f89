package dev.berth.server.toolbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExecResult;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.BerthIT;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.sandbox.SandboxRepository;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Base of the toolbox ITs: sandboxes made per test (deleted after it), toolbox calls, direct agent access. */
public abstract class ToolboxIT extends BerthIT {

    @Autowired
    protected SandboxRepository sandboxRepo;

    @Autowired
    protected RunnerRegistry runners;

    private final List<String> created = new ArrayList<>();

    @AfterEach
    void deleteSandboxes() {
        for (String id : created) {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
        created.clear();
    }

    protected String sandbox(String snapshot) {
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"" + snapshot + "\"}"));
        String id = sb.get("id").asString();
        created.add(id);
        return id;
    }

    protected static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A toolbox call as the admin; {@code route} is relative to the toolbox base, e.g. {@code /files?path=/}. */
    protected HttpResponse<String> tb(String method, String sandboxId, String route, String body) {
        return admin(method, "/api/toolbox/" + sandboxId + route, body);
    }

    protected SandboxAgent agent(String sandboxId) {
        return runners.byId(sandboxRepo.findById(sandboxId).orElseThrow().getRunnerId()).agent(sandboxId);
    }

    /** Runs argv inside the sandbox (test setup only) and expects exit 0; returns stdout. */
    protected String sh(String sandboxId, String script) throws Exception {
        ExecResult r = agent(sandboxId).exec(ExecRequest.of("/bin/sh", "-c", script), Duration.ofMinutes(1));
        assertThat(r.exitCode()).as(script + " -> " + r.stderrText()).isZero();
        return r.stdoutText();
    }

    /** Asserts a daemon-shaped error. */
    protected JsonNode daemonError(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = json(r);
        assertThat(e.get("code").asString()).isEqualTo(code);
        assertThat(e.get("source").asString()).isEqualTo("DAYTONA_DAEMON");
        assertThat(e.get("statusCode").asInt()).isEqualTo(status);
        assertThat(e.get("message").isString()).isTrue();
        return e;
    }
}
