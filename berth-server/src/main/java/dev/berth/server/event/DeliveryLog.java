package dev.berth.server.event;

import static dev.berth.server.event.EventStore.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** The {@code event_delivery} table: per-handler outcomes of events that had a failing round. */
@Component
class DeliveryLog {

    private final NamedParameterJdbcTemplate jdbc;

    DeliveryLog(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private static Delivery delivery(ResultSet rs, int row) throws SQLException {
        return new Delivery(rs.getString("handler"), Delivery.State.of(rs.getString("state")), rs.getInt("attempts"),
                rs.getString("last_error"), EventStore.instant(rs, "next_attempt_at"));
    }

    /** By handler name. */
    Map<String, Delivery> of(long eventId) {
        Map<String, Delivery> byHandler = new LinkedHashMap<>();
        jdbc.query("select * from event_delivery where event_id = :id order by handler", Map.of("id", eventId),
                DeliveryLog::delivery).forEach(d -> byHandler.put(d.handler(), d));
        return byHandler;
    }

    /** By event id, for a page of the admin listing. */
    Map<Long, List<Delivery>> of(Collection<Long> eventIds) {
        Map<Long, List<Delivery>> byEvent = new HashMap<>();
        if (eventIds.isEmpty()) {
            return byEvent;
        }
        jdbc.query("select * from event_delivery where event_id in (:ids) order by event_id, handler",
                Map.of("ids", eventIds), rs -> {
                    byEvent.computeIfAbsent(rs.getLong("event_id"), k -> new ArrayList<>())
                            .add(delivery(rs, 0));
                });
        return byEvent;
    }

    /** Upserts outcomes; runs in the caller's transaction, fenced by the caller's lease check. */
    void write(long eventId, Collection<Delivery> outcomes, Instant now) {
        for (Delivery d : outcomes) {
            var p = new HashMap<String, Object>();
            p.put("id", eventId);
            p.put("handler", d.handler());
            p.put("state", d.state().wireName());
            p.put("attempts", d.attempts());
            p.put("error", EventStore.truncate(d.lastError()));
            p.put("next", ts(d.nextAttemptAt()));
            p.put("now", ts(now));
            int updated = jdbc.update("update event_delivery set state = :state, attempts = :attempts,"
                    + " last_error = :error, next_attempt_at = :next, updated_at = :now"
                    + " where event_id = :id and handler = :handler", p);
            if (updated == 0) {
                jdbc.update("insert into event_delivery (event_id, handler, state, attempts, last_error,"
                        + " next_attempt_at, updated_at) values (:id, :handler, :state, :attempts, :error, :next, :now)", p);
            }
        }
    }

    /** Re-queues parked deliveries with a fresh attempt budget; returns how many. */
    int requeueParked(long eventId, Instant now) {
        return jdbc.update("update event_delivery set state = 'failed', attempts = 0, next_attempt_at = :now,"
                + " updated_at = :now where event_id = :id and state = 'parked'", Map.of("id", eventId, "now", ts(now)));
    }

    /** Forgets all outcomes, so every handler runs again. */
    void clear(long eventId) {
        jdbc.update("delete from event_delivery where event_id = :id", Map.of("id", eventId));
    }
}
