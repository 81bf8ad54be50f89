package dev.berth.server.event.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The client event stream on a real server: Socket.IO as the Daytona SDK speaks it (raw frames, so the protocol
 * itself is under test), SSE, and isolation between organizations. Short ping and heartbeat intervals.
 */
@TestPropertySource(properties = {"berth.events.stream.ping-interval=1s", "berth.events.stream.ping-timeout=1s",
        "berth.events.stream.connect-timeout=3s", "berth.events.stream.sse-heartbeat=1s"})
class EventStreamIT extends BerthIT {

    private static final Duration EVENT_WAIT = Duration.ofSeconds(60);

    @Autowired
    Tenants tenants;

    @Test
    void socketIoDeliversStateChangesAndPings() throws Exception {
        String id = null;
        try (var client = SocketIoTestClient.open(port, null)) {
            JsonNode open = JSON.readTree(client.await(f -> f.startsWith("0"), 0, Duration.ofSeconds(5)).substring(1));
            assertThat(open.get("sid").asString()).isNotBlank();
            assertThat(open.get("upgrades").isEmpty()).isTrue();
            assertThat(open.get("pingInterval").asLong()).isEqualTo(1000);
            assertThat(open.get("pingTimeout").asLong()).isEqualTo(1000);
            assertThat(open.get("maxPayload").asLong()).isPositive();
            String reply = client.connect(ADMIN_KEY);
            assertThat(reply).startsWith("40{\"sid\":\"");

            id = createSandbox(ADMIN_KEY);
            String created = id;
            JsonNode dto = payload(client.await(f -> f.startsWith("42[\"sandbox.created\",")
                    && created.equals(payload(f).get("sandbox").get("id").asString()), 0, EVENT_WAIT)).get("sandbox");
            assertThat(dto.get("snapshot").asString()).isEqualTo("berth/busybox");
            assertThat(dto.has("state")).isTrue();

            ok(call("POST", "/api/sandbox/" + id + "/stop", ADMIN_KEY, null));
            JsonNode stopped = payload(client.await(stateEvent(id, "stopped"), 0, EVENT_WAIT));
            assertThat(stopped.get("sandbox").get("id").asString()).isEqualTo(id);
            assertThat(stopped.get("sandbox").get("state").asString()).isEqualTo("stopped");
            assertThat(stopped.get("sandbox").get("snapshot").asString()).isEqualTo("berth/busybox");
            assertThat(stopped.has("oldState")).isTrue();

            // pings answered: the server keeps pinging and the connection stays open well past the timeout
            client.await(f -> f.equals("2"), 0, Duration.ofSeconds(5));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.count("2"::equals) >= 3);
            assertThat(client.closed).isNotDone();

            ok(call("POST", "/api/sandbox/" + id + "/start", ADMIN_KEY, null));
            client.await(stateEvent(id, "started"), 0, EVENT_WAIT);
        } finally {
            if (id != null) {
                call("DELETE", "/api/sandbox/" + id, ADMIN_KEY, null);
            }
        }
    }

    @Test
    void badTokenGetsConnectErrorAndRepeatedFailuresClose() throws Exception {
        try (var client = SocketIoTestClient.open(port, null)) {
            for (int i = 0; i < 3; i++) {
                String reply = client.connect("bth_not_a_key_" + i);
                assertThat(reply).startsWith("44{\"message\":");
            }
            assertThat(client.closed).isNotDone();
            client.send("40{\"token\":\"bth_still_wrong\"}");
            assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1008);
        }
        try (var client = SocketIoTestClient.open(port, null)) {
            assertThat(client.connect("")).startsWith("44");
            client.send("40/admin,{\"token\":\"" + ADMIN_KEY + "\"}");
            client.await(f -> f.startsWith("44/admin,{\"message\":\"Invalid namespace\"}"), 0, Duration.ofSeconds(5));
        }
    }

    @Test
    void silentAndUnconnectedClientsAreClosed() throws Exception {
        try (var silent = SocketIoTestClient.open(port, null)) {
            silent.answerPings = false;
            assertThat(silent.connect(ADMIN_KEY)).startsWith("40");
            assertThat(silent.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008); // ping 1 s + timeout 1 s
        }
        try (var idle = SocketIoTestClient.open(port, null)) {
            assertThat(idle.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008); // no CONNECT within 3 s
        }
    }

    @Test
    void malformedAndOversizedFramesClose() throws Exception {
        try (var client = SocketIoTestClient.open(port, null)) {
            // a token longer than the container's default 8 KiB frame buffer is still read (and refused)
            assertThat(client.connect("x".repeat(10_000))).startsWith("44");
            client.send("4" + "9garbage");
            assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1002);
        }
        try (var client = SocketIoTestClient.open(port, null)) {
            client.send("42[\"x\",\"" + "y".repeat(200_000) + "\"]");
            assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1009);
        }
        try (var client = SocketIoTestClient.open(port, null)) {
            client.send("40{not json");
            assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1002);
        }
    }

    @Test
    void handshakeRefusesOtherTransportsAndVersions() {
        for (String q : new String[] {"EIO=3&transport=websocket", "EIO=4&transport=polling"}) {
            Throwable t = catchThrowable(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://localhost:" + port + "/api/socket.io/?" + q),
                            new java.net.http.WebSocket.Listener() {
                            })
                    .get(10, TimeUnit.SECONDS));
            assertThat(t).as(q).hasCauseInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode()).as(q).isEqualTo(400);
        }
    }

    @Test
    void sseDeliversTheSameEvents() throws Exception {
        String id = createSandbox(ADMIN_KEY);
        try (var sse = new SseTestClient(port, ADMIN_KEY)) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            ok(call("POST", "/api/sandbox/" + id + "/stop", ADMIN_KEY, null));
            Awaitility.await().atMost(EVENT_WAIT).until(() -> sseEvent(sse, id, "stopped") != null);
            JsonNode data = sseEvent(sse, id, "stopped");
            assertThat(data.get("sandbox").get("state").asString()).isEqualTo("stopped");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sse.lines.contains(":heartbeat"));
        } finally {
            call("DELETE", "/api/sandbox/" + id, ADMIN_KEY, null);
        }
    }

    @Test
    void eventsStayInTheirOrganization() throws Exception {
        var victim = tenants.owner();
        var other = tenants.owner();
        String id = createSandbox(victim.key());
        // the other organization even names the victim's organization in the query: the key's own one wins
        try (var mine = SocketIoTestClient.open(port, victim.orgId());
                var theirs = SocketIoTestClient.open(port, victim.orgId());
                var theirSse = new SseTestClient(port, other.key())) {
            assertThat(mine.connect(victim.key())).startsWith("40");
            assertThat(theirs.connect(other.key())).startsWith("40");
            ok(call("POST", "/api/sandbox/" + id + "/stop", victim.key(), null));
            mine.await(stateEvent(id, "stopped"), 0, EVENT_WAIT);
            // fan-out is one ordered pass per event: had it gone to the other organization, it would be there by now
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> theirs.count(f -> f.contains(id)) == 0
                            && theirSse.lines.stream().noneMatch(l -> l.contains(id)));
            assertThat(theirs.count(f -> f.startsWith("42"))).isZero();
            assertThat(theirSse.lines.stream().noneMatch(l -> l.startsWith("event:"))).isTrue();
        } finally {
            call("DELETE", "/api/sandbox/" + id, victim.key(), null);
        }
    }

    private String createSandbox(String key) {
        return ok(call("POST", "/api/sandbox", key, "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
    }

    private static Predicate<String> stateEvent(String id, String state) {
        return f -> {
            if (!f.startsWith("42[\"sandbox.state.updated\",")) {
                return false;
            }
            JsonNode p = payload(f);
            return id.equals(p.get("sandbox").get("id").asString()) && state.equals(p.get("newState").asString());
        };
    }

    private static JsonNode payload(String eventFrame) {
        return JSON.readTree(eventFrame.substring(2)).get(1);
    }

    /** The data of an SSE {@code sandbox.state.updated} record for {@code id} with {@code newState}, or null. */
    private static JsonNode sseEvent(SseTestClient sse, String id, String state) {
        var lines = sse.lines;
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals("event:sandbox.state.updated") && lines.get(i + 1).startsWith("data:")) {
                JsonNode d = JSON.readTree(lines.get(i + 1).substring(5));
                if (id.equals(d.get("sandbox").get("id").asString()) && state.equals(d.get("newState").asString())) {
                    return d;
                }
            }
        }
        return null;
    }
}
