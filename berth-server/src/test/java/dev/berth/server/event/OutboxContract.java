package dev.berth.server.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.berth.server.BerthIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The durable outbox end to end: events commit with the change, handlers are retried with back-off
 * and parked, parked events are replayed, the dispatcher is woken on commit. Subclasses pick the database.
 */
@Import(OutboxTestHandlers.class)
@TestPropertySource(properties = {"berth.events.backoff.base=20ms", "berth.events.backoff.cap=100ms",
        "berth.events.max-attempts=5"})
public abstract class OutboxContract extends BerthIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventBus bus;
    @Autowired
    EventRetention retention;
    @Autowired
    EventsProperties props;
    @Autowired
    OutboxTestHandlers.Flaky flaky;
    @Autowired
    OutboxTestHandlers.Counting counting;
    @Autowired
    OutboxTestHandlers.Poison poison;
    @Autowired
    OutboxTestHandlers.Latency latency;

    private long record(String type, Object payload) {
        return tx.execute(s -> outbox.record(type, "test", "agg-" + System.nanoTime(), null, payload));
    }

    private String state(long id) {
        return jdbc.queryForObject("select case when processed_at is not null then 'processed' when parked_at"
                + " is not null then 'parked' else 'pending' end from event where id = ?", String.class, id);
    }

    private JsonNode adminEvent(long id, String type) {
        for (JsonNode e : ok(admin("GET", "/api/admin/events?type=" + type + "&limit=500", null)).get("items")) {
            if (e.get("id").asLong() == id) {
                return e;
            }
        }
        throw new AssertionError("event " + id + " not listed");
    }

    @Test
    void creatingAndStoppingASandboxWriteItsEventsInTheSameTransaction() {
        JsonNode sb = ok(admin("POST", "/api/sandbox",
                "{\"snapshot\":\"berth/busybox\",\"env\":{\"OUTBOX_IT_SECRET\":\"s3cr3t-value\"}}"));
        String id = sb.get("id").asString();
        try {
            // read right after the call returned: nothing waits for a dispatcher
            var rows = jdbc.queryForList("select type, organization_id, payload from event where aggregate_id = ?"
                    + " order by id", id);
            assertThat(rows).extracting(r -> r.get("type")).startsWith("sandbox.created").contains("sandbox.state.updated");
            assertThat(rows).allSatisfy(r -> {
                assertThat(r.get("organization_id")).isEqualTo(sb.get("organizationId").asString());
                assertThat((String) r.get("payload")).doesNotContain("s3cr3t-value").doesNotContain("OUTBOX_IT_SECRET");
            });
            JsonNode created = JSON.readTree((String) rows.get(0).get("payload"));
            assertThat(created.get("id").asString()).isEqualTo(id);
            assertThat(created.get("name").asString()).isEqualTo(sb.get("name").asString());
            JsonNode last = JSON.readTree((String) rows.get(rows.size() - 1).get("payload"));
            assertThat(last.get("newState").asString()).isEqualTo("started");

            ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
            List<JsonNode> moves = jdbc.queryForList("select payload from event where aggregate_id = ?"
                    + " and type = 'sandbox.state.updated' order by id", String.class, id).stream()
                    .map(JSON::readTree).toList();
            JsonNode stopped = moves.get(moves.size() - 1);
            assertThat(stopped.get("oldState").asString()).isEqualTo("stopping");
            assertThat(stopped.get("newState").asString()).isEqualTo("stopped");
            assertThat(stopped.has("errorReason")).isTrue();

            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    ok(admin("GET", "/api/admin/events?aggregateId=" + id, null)).get("items"))
                    .isNotEmpty().allSatisfy(e -> assertThat(e.get("state").asString()).isEqualTo("processed")));
        } finally {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
    }

    @Test
    void recordingNeedsTheCallersTransactionAndRollsBackWithIt() {
        assertThatThrownBy(() -> outbox.record("test.none", "test", "x", null, Map.of()))
                .isInstanceOf(IllegalTransactionStateException.class);
        long id = tx.execute(s -> {
            long recorded = outbox.record("test.none", "test", "rolled-back", null, Map.of("k", "v"));
            s.setRollbackOnly();
            return recorded;
        });
        assertThat(jdbc.queryForObject("select count(*) from event where id = ?", Integer.class, id)).isZero();
    }

    @Test
    void aFailingHandlerIsRetriedWithBackoffAndHandlersThatSucceededAreNotRunAgain() {
        long id = record("test.flaky", Map.of("n", 1));
        await().atMost(WAIT).until(() -> state(id).equals("processed"));
        assertThat(flaky.calls.get(id).get()).isEqualTo(OutboxTestHandlers.Flaky.FAILURES + 1);
        assertThat(counting.calls.get(id).get()).as("the succeeding handler ran once").isEqualTo(1);
        JsonNode e = adminEvent(id, "test.flaky");
        assertThat(e.get("attempts").asInt()).isEqualTo(OutboxTestHandlers.Flaky.FAILURES);
        assertThat(e.get("lastError").asString()).contains("flaky failure 3");
        var deliveries = new ArrayList<String>();
        e.get("deliveries").forEach(d -> deliveries.add(d.get("handler").asString() + "=" + d.get("state").asString()
                + "/" + d.get("attempts").asInt()));
        assertThat(deliveries).contains("test-flaky=done/4", "test-counting=done/1");
    }

    @Test
    void aPoisonEventIsParkedWithItsLastErrorAndReplayedByAnAdministrator() {
        long id = record("test.poison", Map.of("n", 2));
        await().atMost(WAIT).until(() -> state(id).equals("parked"));
        assertThat(poison.calls.get(id).get()).isEqualTo(props.maxAttempts());
        assertThat(counting.calls.get(id).get()).isEqualTo(1);
        JsonNode parked = ok(admin("GET", "/api/admin/events?state=parked&type=test.poison", null)).get("items").get(0);
        assertThat(parked.get("id").asLong()).isEqualTo(id);
        assertThat(parked.get("lastError").asString()).contains("test-poison").contains("cannot digest event " + id);
        assertThat(parked.get("payload").get("n").asInt()).isEqualTo(2);

        assertThat(admin("POST", "/api/admin/events/" + id + "/replay", "{}").statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> state(id).equals("parked")); // still poisonous: a fresh budget, parked again
        assertThat(poison.calls.get(id).get()).isEqualTo(2 * props.maxAttempts());

        poison.healed.set(true);
        JsonNode replayed = ok(admin("POST", "/api/admin/events/" + id + "/replay", "{}"));
        assertThat(replayed.get("state").asString()).isIn("pending", "processed");
        await().atMost(WAIT).until(() -> state(id).equals("processed"));
        assertThat(counting.calls.get(id).get()).as("replay re-runs only the parked delivery").isEqualTo(1);

        assertThat(admin("POST", "/api/admin/events/999999999/replay", "{}").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/admin/events", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void busSubscribersReceiveDispatchedEvents() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        try (var sub = bus.subscribe(seen::add)) {
            long id = record("test.bus", Map.of("hello", "world"));
            await().atMost(WAIT).until(() -> seen.stream().anyMatch(e -> e.id() == id));
            Event e = seen.stream().filter(x -> x.id() == id).findFirst().orElseThrow();
            assertThat(e.type()).isEqualTo("test.bus");
            assertThat(JSON.readTree(e.payload()).get("hello").asString()).isEqualTo("world");
        }
    }

    @Test
    void processedEventsPastRetentionArePrunedAndOthersKept() {
        long old = record("test.retention", Map.of());
        long parked = record("test.retention", Map.of());
        await().atMost(WAIT).until(() -> state(old).equals("processed") && state(parked).equals("processed"));
        var longAgo = java.time.OffsetDateTime.now().minus(props.retention()).minusDays(1);
        jdbc.update("update event set processed_at = ?, created_at = ? where id = ?", longAgo, longAgo, old);
        jdbc.update("update event set processed_at = null, parked_at = ?, created_at = ? where id = ?", longAgo,
                longAgo, parked);
        long fresh = record("test.retention", Map.of());
        assertThat(retention.prune()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from event where id in (?, ?, ?)", Integer.class, old, parked,
                fresh)).isEqualTo(2);
    }

    @Test
    void theDispatcherIsWokenByTheCommitNotBySweeping() {
        assertThat(props.sweep()).isEqualTo(Duration.ofSeconds(5));
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long[] committed = new long[1];
            long id = tx.execute(s -> {
                // registered before the outbox's own synchronization, so it runs first after commit
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        committed[0] = System.nanoTime();
                    }
                });
                return outbox.record("test.latency", "test", "latency", null, Map.of("i", 0));
            });
            await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> latency.reachedNanos.containsKey(id));
            micros.add((latency.reachedNanos.get(id) - committed[0]) / 1000);
        }
        List<Long> sorted = micros.stream().sorted().toList();
        long p50 = sorted.get(sorted.size() / 2);
        long p90 = sorted.get(sorted.size() * 9 / 10);
        long p99 = sorted.get(sorted.size() * 99 / 100);
        System.out.printf("OUTBOX-LATENCY %s: commit -> handler over %d events: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms,"
                + " max %.2f ms%n", getClass().getSimpleName(), sorted.size(), p50 / 1000.0, p90 / 1000.0, p99 / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0);
        assertThat(p50).as("p50 in microseconds, far below the 5 s sweep").isLessThan(100_000);
    }
}
