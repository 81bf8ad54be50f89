package dev.berth.server.event;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code event} table. A claim is a short transaction: select due, unleased rows with
 * {@code FOR UPDATE SKIP LOCKED} (PostgreSQL and H2 2.x), then stamp them with this replica's lease.
 * Every later write is fenced on {@code claimed_by}, so a replica whose lease was taken over cannot
 * overwrite the new owner's outcome.
 */
@Component
class EventStore {

    static final String COLUMNS = "id, type, aggregate_type, aggregate_id, organization_id, payload, created_at, attempts";

    private static final String CLAIM = "select " + COLUMNS + " from event"
            + " where next_attempt_at <= :now and processed_at is null and parked_at is null"
            + " and (claimed_until is null or claimed_until < :now)"
            + " order by next_attempt_at, id limit :limit for update skip locked";

    private final NamedParameterJdbcTemplate jdbc;

    EventStore(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    static OffsetDateTime ts(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Event event(ResultSet rs, int row) throws SQLException {
        return new Event(rs.getLong("id"), rs.getString("type"), rs.getString("aggregate_type"),
                rs.getString("aggregate_id"), rs.getString("organization_id"), rs.getString("payload"),
                instant(rs, "created_at"), rs.getInt("attempts"));
    }

    long insert(String type, String aggregateType, String aggregateId, String organizationId, String payload,
            Instant now) {
        var keys = new GeneratedKeyHolder();
        jdbc.getJdbcOperations().update(con -> {
            PreparedStatement ps = con.prepareStatement("insert into event (type, aggregate_type, aggregate_id,"
                    + " organization_id, payload, created_at, attempts, next_attempt_at) values (?, ?, ?, ?, ?, ?, 0, ?)",
                    new String[] {"id"});
            ps.setString(1, type);
            ps.setString(2, aggregateType);
            ps.setString(3, aggregateId);
            ps.setString(4, organizationId);
            ps.setString(5, payload);
            ps.setObject(6, ts(now));
            ps.setObject(7, ts(now));
            return ps;
        }, keys);
        return Objects.requireNonNull(keys.getKey(), "no generated event id").longValue();
    }

    /** Leases up to {@code limit} due events to {@code owner} until {@code until}. */
    @Transactional
    public List<Event> claim(String owner, int limit, Instant now, Instant until) {
        List<Event> due = jdbc.query(CLAIM, Map.of("now", ts(now), "limit", limit), EventStore::event);
        if (!due.isEmpty()) {
            jdbc.update("update event set claimed_by = :owner, claimed_until = :until where id in (:ids)",
                    Map.of("owner", owner, "until", ts(until), "ids", due.stream().map(Event::id).toList()));
        }
        return due;
    }

    /** All handlers are done. Returns false if {@code owner} no longer holds the lease. */
    boolean processed(long id, String owner, Instant now) {
        return jdbc.update("update event set processed_at = :now, next_attempt_at = null, claimed_by = null,"
                + " claimed_until = null where id = :id and claimed_by = :owner",
                Map.of("id", id, "owner", owner, "now", ts(now))) == 1;
    }

    /** Some delivery is still pending: look again at {@code next}; {@code failed} counts this round as an attempt. */
    boolean retry(long id, String owner, Instant next, boolean failed, String error) {
        var p = new HashMap<String, Object>(Map.of("id", id, "owner", owner, "next", ts(next),
                "inc", failed ? 1 : 0));
        p.put("error", truncate(error));
        return jdbc.update("update event set attempts = attempts + :inc, next_attempt_at = :next,"
                + " last_error = coalesce(:error, last_error), claimed_by = null, claimed_until = null"
                + " where id = :id and claimed_by = :owner", p) == 1;
    }

    /** No delivery is pending and at least one is parked. */
    boolean park(long id, String owner, Instant now, String error) {
        return jdbc.update("update event set attempts = attempts + 1, parked_at = :now, next_attempt_at = null,"
                + " last_error = :error, claimed_by = null, claimed_until = null where id = :id and claimed_by = :owner",
                Map.of("id", id, "owner", owner, "now", ts(now), "error", truncate(error))) == 1;
    }

    /** Gives an unstarted claim back (graceful stop), so another replica need not wait for the lease. */
    void release(long id, String owner) {
        jdbc.update("update event set claimed_by = null, claimed_until = null where id = :id and claimed_by = :owner",
                Map.of("id", id, "owner", owner));
    }

    static String truncate(String error) {
        return error == null || error.length() <= 2000 ? error : error.substring(0, 2000);
    }
}
