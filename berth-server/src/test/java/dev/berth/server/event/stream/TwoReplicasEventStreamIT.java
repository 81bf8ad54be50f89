package dev.berth.server.event.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import dev.berth.server.SecondReplica;
import dev.berth.server.event.CommitNotifications;
import dev.berth.server.org.Tenants;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two control-plane replicas on one PostgreSQL: a client streaming from replica B hears, at once and
 * exactly once, of the changes made through replica A (whichever replica's dispatcher handles the
 * event), and still only those of its own organization.
 */
class TwoReplicasEventStreamIT extends BerthIT {

    static String url;
    static ConfigurableApplicationContext second;

    @Autowired
    Tenants tenants;
    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        url = Postgres.register(registry);
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aClientOnOneReplicaHearsOfChangesMadeThroughTheOther() throws Exception {
        second = SecondReplica.start(url, List.of(), "--spring.datasource.hikari.maximum-pool-size=5");
        int portB = SecondReplica.port(second);
        awaitHealthy(portB);
        var alice = tenants.owner();
        var bob = tenants.owner();
        String id = null;
        try (var sse = new SseTestClient(portB, alice.key());
                var io = SocketIoTestClient.open(portB, null);
                var bobSse = new SseTestClient(portB, bob.key())) {
            assertThat(io.connect(alice.key())).startsWith("40");
            id = ok(call("POST", "/api/sandbox", alice.key(), "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
            String sid = id;
            io.await(f -> f.startsWith("42[\"sandbox.created\"") && f.contains(sid), 0, Duration.ofSeconds(10));

            long t0 = System.nanoTime();
            ok(call("POST", "/api/sandbox/" + id + "/stop", alice.key(), null));
            long answered = System.nanoTime();
            Awaitility.await("stopped heard on replica B").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5)).until(() -> stoppedEvents(sse, sid) == 1);
            System.out.printf("stream on replica B heard a stop made through replica A %.1f ms after the API answered "
                    + "(%.1f ms after the request)%n", (System.nanoTime() - answered) / 1e6, (System.nanoTime() - t0) / 1e6);
            io.await(f -> f.startsWith("42[\"sandbox.state.updated\"") && f.contains(sid) && f.contains("\"newState\":\"stopped\""),
                    0, Duration.ofSeconds(10));

            // exactly once per replica, and never to another organization
            Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> stoppedEvents(sse, sid) == 1
                            && io.count(f -> f.startsWith("42[\"sandbox.state.updated\"") && f.contains(sid)
                                    && f.contains("\"newState\":\"stopped\"")) == 1
                            && bobSse.lines.stream().noneMatch(l -> l.contains(sid)));
            assertThat(io.count(f -> f.startsWith("42[\"sandbox.created\"") && f.contains(sid))).isEqualTo(1);

            // the listening connections are cut (a database failover, a proxy timeout) and a change commits before
            // they are back: it is read on reconnection, not lost
            int cut = jdbc.queryForObject("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                    + " where application_name = ? and datname = current_database()", Integer.class,
                    CommitNotifications.APPLICATION_NAME);
            assertThat(cut).isEqualTo(2);
            ok(call("POST", "/api/sandbox/" + id + "/start", alice.key(), null));
            Awaitility.await("start heard after the listener reconnected").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(20)).until(() -> io.count(f -> f.startsWith(
                            "42[\"sandbox.state.updated\"") && f.contains(sid) && f.contains("\"oldState\":\"starting\"")
                            && f.contains("\"newState\":\"started\"")) == 1);

            // a lifecycle stop and start (a paused and resumed context) leaves the listener working
            var notifications = second.getBean(CommitNotifications.class);
            notifications.stop();
            assertThat(notifications.isRunning()).isFalse();
            notifications.start();
            ok(call("POST", "/api/sandbox/" + id + "/stop", alice.key(), null));
            Awaitility.await("stop heard after a lifecycle restart").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20)).until(() -> stoppedEvents(sse, sid) == 2);
        } finally {
            if (id != null) {
                call("DELETE", "/api/sandbox/" + id, alice.key(), null);
            }
        }
    }

    /** SSE records announcing that sandbox {@code id} is now stopped. */
    private static long stoppedEvents(SseTestClient sse, String id) {
        var lines = sse.lines;
        long n = 0;
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).equals("event:sandbox.state.updated") && lines.get(i + 1).contains(id)
                    && lines.get(i + 1).contains("\"newState\":\"stopped\"")) {
                n++;
            }
        }
        return n;
    }
}
