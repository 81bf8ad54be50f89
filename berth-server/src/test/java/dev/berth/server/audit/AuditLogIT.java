package dev.berth.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.api.RequestIds;
import dev.berth.server.auth.Permission;
import dev.berth.server.org.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;

/** Audit records of real calls, read back through GET /api/audit-logs and straight from the table. */
class AuditLogIT extends BerthIT {

    /** Toolbox-shaped test routes: one reads its own audit row mid-handler, one streams asynchronously. */
    @TestConfiguration
    static class Probes {
        @Bean
        ProbeController auditProbeController(JdbcTemplate jdbc) {
            return new ProbeController(jdbc);
        }
    }

    // toolbox routes declare their access like every other route (no path-prefix exemption since issue 9)
    @dev.berth.server.auth.RequiresPermission(dev.berth.server.auth.Permission.WRITE_SANDBOXES)
    @RestController
    static class ProbeController {
        private final JdbcTemplate jdbc;

        ProbeController(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        /** What another connection sees of this call's audit record while the handler runs. */
        @PostMapping("/api/toolbox/{sandboxId}/audit-probe")
        List<String> probe(HttpServletRequest req) {
            return jdbc.queryForList("select outcome from audit_log where request_id = ?", String.class,
                    RequestIds.current(req));
        }

        @GetMapping("/api/toolbox/{sandboxId}/audit-stream")
        StreamingResponseBody stream() {
            return out -> {
                for (int i = 0; i < 3; i++) {
                    out.write(("chunk " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            };
        }
    }

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Tenants tenants;

    /** The record of the call that answered {@code r}, once its outcome is written. */
    private JsonNode recordOf(HttpResponse<String> r) {
        String requestId = r.headers().firstValue(RequestIds.HEADER).orElseThrow();
        return Awaitility.await("audit record of " + requestId).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> find(requestId), n -> n != null && !n.get("outcome").asString().equals("pending"));
    }

    private JsonNode find(String requestId) {
        for (JsonNode n : ok(admin("GET", "/api/audit-logs?limit=200", null)).get("items")) {
            if (requestId.equals(n.path("requestId").asString(null))) {
                return n;
            }
        }
        return null;
    }

    @Test
    void sandboxLifecycleAndToolboxCallsAreAuditedWithoutSecrets() {
        HttpResponse<String> create = admin("POST", "/api/sandbox",
                "{\"snapshot\":\"berth/busybox\",\"env\":{\"SECRET\":\"s3cr3t-value\"}}");
        String id = ok(create).get("id").asString();
        HttpResponse<String> exec = admin("POST", "/api/toolbox/" + id + "/process/execute",
                "{\"command\":\"echo s3cr3t-value\",\"envs\":{\"TOKEN\":\"s3cr3t-value\"}}");
        ok(exec);
        followEntrypointLogs(id);
        HttpResponse<String> stop = admin("POST", "/api/sandbox/" + id + "/stop?force=false", null);
        ok(stop);
        HttpResponse<String> delete = admin("DELETE", "/api/sandbox/" + id, null);
        ok(delete);

        JsonNode created = recordOf(create);
        assertThat(created.get("action").asString()).isEqualTo("sandbox.create");
        assertThat(created.get("method").asString()).isEqualTo("POST");
        assertThat(created.get("pathPattern").asString()).isEqualTo("/api/sandbox");
        assertThat(created.get("targetType").asString()).isEqualTo("sandbox");
        assertThat(created.get("outcome").asString()).isEqualTo("success");
        assertThat(created.get("statusCode").asInt()).isBetween(200, 201);
        assertThat(created.get("actor").asString()).startsWith("apikey:bth_").contains("...");
        assertThat(created.get("apiKeyId").asString()).isNotBlank();
        assertThat(created.get("organizationId").asString()).isNotBlank();
        assertThat(created.get("clientIp").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(created.get("userAgent").asString()).contains("Java-http-client");
        assertThat(created.get("createdAt").asString()).isNotBlank();
        assertThat(created.get("completedAt").asString()).isNotBlank();

        JsonNode executed = recordOf(exec);
        assertThat(executed.get("action").asString()).isEqualTo("toolbox.process.execute");
        assertThat(executed.get("targetType").asString()).isEqualTo("sandbox");
        assertThat(executed.get("targetId").asString()).isEqualTo(id);
        assertThat(executed.get("pathVariables").get("sandboxId").asString()).isEqualTo(id);

        JsonNode upgrade = Awaitility.await("WebSocket handshake record").atMost(Duration.ofSeconds(10)).until(
                () -> ok(admin("GET", "/api/audit-logs?action=toolbox.process.session.entrypoint.logs&targetId=" + id, null))
                        .get("items").path(0),
                n -> !n.isMissingNode() && n.get("outcome").asString().equals("success"));
        assertThat(upgrade.get("statusCode").asInt()).isEqualTo(101);
        assertThat(upgrade.get("targetType").asString()).isEqualTo("sandbox");

        for (var call : Map.of("sandbox.stop", stop, "sandbox.delete", delete).entrySet()) {
            JsonNode rec = recordOf(call.getValue());
            assertThat(rec.get("action").asString()).isEqualTo(call.getKey());
            assertThat(rec.get("targetId").asString()).isEqualTo(id);
            assertThat(rec.get("outcome").asString()).isEqualTo("success");
            assertThat(rec.get("errorMessage").isNull()).isTrue();
        }
        JsonNode byTarget = ok(admin("GET", "/api/audit-logs?targetType=sandbox&targetId=" + id, null));
        List<String> actions = new ArrayList<>();
        byTarget.get("items").forEach(n -> actions.add(n.get("action").asString()));
        assertThat(actions).as("newest first").containsSubsequence("sandbox.delete", "sandbox.stop",
                "toolbox.process.execute");

        // nothing secret anywhere in the table: every column of every row
        List<Map<String, Object>> rows = jdbc.queryForList("select * from audit_log");
        assertThat(rows).isNotEmpty();
        String everything = rows.toString();
        assertThat(everything).doesNotContain("s3cr3t-value").doesNotContain(ADMIN_KEY).doesNotContain("force=");
    }

    /**
     * Opens and closes the entrypoint log-follow WebSocket: a toolbox call routed outside the controllers. The server
     * closes the socket itself when the entrypoint has already finished, so either side may close first; the test
     * waits for the close handshake to finish either way.
     */
    private void followEntrypointLogs(String sandboxId) {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Authorization", "Bearer " + ADMIN_KEY)
                .buildAsync(URI.create("ws://localhost:" + port + "/api/toolbox/" + sandboxId
                        + "/process/session/entrypoint/logs?follow=true"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            closed.complete(statusCode);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            closed.completeExceptionally(error);
                        }
                    })
                .orTimeout(30, TimeUnit.SECONDS).join();
        if (!ws.isOutputClosed()) {
            // the server may close between the check and the send: then its close frame ends the exchange
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> ws).orTimeout(30, TimeUnit.SECONDS).join();
        }
        // how the close ends (1000, or 1006 when both sides close at once) is the log socket's business, not
        // the audit's: only that the exchange is over before the records are read
        closed.orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> -1).join();
    }

    @Test
    void thePendingRecordIsCommittedBeforeTheHandlerRuns() {
        HttpResponse<String> r = admin("POST", "/api/toolbox/probe-box/audit-probe", null);
        assertThat(json(r).get(0).asString()).isEqualTo("pending");
        JsonNode rec = recordOf(r);
        assertThat(rec.get("outcome").asString()).isEqualTo("success");
        assertThat(rec.get("action").asString()).isEqualTo("toolbox.audit_probe");
        assertThat(rec.get("targetId").asString()).isEqualTo("probe-box");
    }

    @Test
    void streamedResponsesAreCompletedOnceOnTheAsyncDispatch() {
        HttpResponse<String> r = admin("GET", "/api/toolbox/stream-box/audit-stream", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("chunk 0\nchunk 1\nchunk 2\n");
        JsonNode rec = recordOf(r);
        assertThat(rec.get("action").asString()).isEqualTo("toolbox.audit_stream");
        assertThat(rec.get("statusCode").asInt()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where request_id = ?", Integer.class,
                rec.get("requestId").asString())).isEqualTo(1);
    }

    @Test
    void failedCallsRecordStatusAndTheProblemDetail() {
        HttpResponse<String> r = admin("POST", "/api/sandbox/no-such-box/stop", null);
        assertThat(r.statusCode()).isEqualTo(404);
        JsonNode rec = recordOf(r);
        assertThat(rec.get("action").asString()).isEqualTo("sandbox.stop");
        assertThat(rec.get("targetId").asString()).isEqualTo("no-such-box");
        assertThat(rec.get("outcome").asString()).isEqualTo("failure");
        assertThat(rec.get("statusCode").asInt()).isEqualTo(404);
        assertThat(rec.get("errorMessage").asString()).isEqualTo(json(r).get("detail").asString());

        HttpResponse<String> bad = admin("POST", "/api/sandbox", "{not json");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(recordOf(bad).get("errorMessage").asString()).startsWith("request body is not valid JSON");
    }

    @Test
    void pagesNewestFirstWithFilters() {
        String marker = "page-" + System.nanoTime();
        Set<String> requestIds = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = admin("POST", "/api/sandbox/" + marker + "/stop", null);
            requestIds.add(r.headers().firstValue(RequestIds.HEADER).orElseThrow());
            recordOf(r);
        }
        String from = ok(admin("GET", "/api/audit-logs?limit=1&targetId=" + marker, null)).get("items").get(0)
                .get("createdAt").asString();

        List<JsonNode> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok(admin("GET", "/api/audit-logs?limit=2&action=sandbox.stop&targetId=" + marker
                    + (cursor == null ? "" : "&cursor=" + cursor), null));
            page.get("items").forEach(seen::add);
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(5);
        assertThat(seen).extracting(n -> n.get("requestId").asString()).containsExactlyInAnyOrderElementsOf(requestIds);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(Instant.parse(seen.get(i - 1).get("createdAt").asString()))
                    .isAfterOrEqualTo(Instant.parse(seen.get(i).get("createdAt").asString()));
        }
        assertThat(pages).isEqualTo(3);

        assertThat(ok(admin("GET", "/api/audit-logs?targetId=" + marker + "&from=" + from, null)).get("items"))
                .as("from is inclusive: only the newest").hasSize(1);
        assertThat(ok(admin("GET", "/api/audit-logs?targetId=" + marker + "&to=" + from, null)).get("items"))
                .as("to is exclusive").hasSize(4);
        assertThat(ok(admin("GET", "/api/audit-logs?targetId=" + marker + "&action=sandbox.delete", null)).get("items"))
                .isEmpty();
        assertThat(admin("GET", "/api/audit-logs?from=yesterday", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/api/audit-logs?limit=201", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/api/audit-logs?cursor=garbage", null).statusCode()).isEqualTo(400);
    }

    @Test
    void readsNeedThePermissionAndStayInTheOrganization() {
        Set<Permission> noAudit = EnumSet.allOf(Permission.class);
        noAudit.remove(Permission.READ_AUDIT_LOGS);
        var without = tenants.create(dev.berth.server.org.Role.OWNER, Permission.all(), noAudit);
        HttpResponse<String> denied = call("GET", "/api/audit-logs", without.key(), null);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(json(denied).get("detail").asString()).contains("read:audit_logs");

        var other = tenants.owner();
        HttpResponse<String> theirs = call("POST", "/api/sandbox/theirs-" + System.nanoTime() + "/stop", other.key(), null);
        assertThat(theirs.statusCode()).isEqualTo(404);
        String theirRequest = theirs.headers().firstValue(RequestIds.HEADER).orElseThrow();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode items = ok(call("GET", "/api/audit-logs", other.key(), null)).get("items");
            return items.size() == 1 && items.get(0).get("requestId").asString().equals(theirRequest)
                    && items.get(0).get("organizationId").asString().equals(other.orgId());
        });
        assertThat(find(theirRequest)).as("the admin's organization does not see it").isNull();
    }
}
