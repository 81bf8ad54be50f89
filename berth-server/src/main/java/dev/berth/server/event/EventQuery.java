package dev.berth.server.event;

import static dev.berth.server.event.EventStore.instant;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/** Lists events newest first for administrators, one cursor page at a time. */
@Component
class EventQuery {

    static final int MAX_LIMIT = 500;

    private final NamedParameterJdbcTemplate jdbc;
    private final DeliveryLog deliveries;

    EventQuery(NamedParameterJdbcTemplate jdbc, DeliveryLog deliveries) {
        this.jdbc = jdbc;
        this.deliveries = deliveries;
    }

    record Filter(String type, String aggregateId, String state) {
    }

    record Page(List<EventView> items, String nextCursor) {
    }

    Page list(Filter filter, int limit, String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        StringBuilder sql = new StringBuilder("select * from event where 1 = 1");
        Map<String, Object> p = new HashMap<>();
        if (filter.type() != null && !filter.type().isBlank()) {
            sql.append(" and type = :type");
            p.put("type", filter.type());
        }
        if (filter.aggregateId() != null && !filter.aggregateId().isBlank()) {
            sql.append(" and aggregate_id = :aggregateId");
            p.put("aggregateId", filter.aggregateId());
        }
        if (filter.state() != null && !filter.state().isBlank()) {
            sql.append(switch (filter.state()) {
                case "pending" -> " and processed_at is null and parked_at is null";
                case "processed" -> " and processed_at is not null";
                case "parked" -> " and parked_at is not null";
                default -> throw new InvalidRequestException("state must be one of pending, processed, parked; got '"
                        + filter.state() + "'");
            });
        }
        if (cursor != null && !cursor.isBlank()) {
            sql.append(" and id < :cursor");
            p.put("cursor", cursorId(cursor));
        }
        sql.append(" order by id desc limit :limit");
        p.put("limit", limit + 1);
        List<EventView> rows = jdbc.query(sql.toString(), p, EventQuery::bare);
        List<EventView> page = rows.size() > limit ? rows.subList(0, limit) : rows;
        String next = rows.size() > limit ? String.valueOf(page.get(limit - 1).id()) : null;
        return new Page(withDeliveries(page), next);
    }

    EventView get(long id) {
        List<EventView> rows = jdbc.query("select * from event where id = :id", Map.of("id", id), EventQuery::bare);
        if (rows.isEmpty()) {
            throw new NotFoundException("event " + id + " not found");
        }
        return withDeliveries(rows).get(0);
    }

    private List<EventView> withDeliveries(List<EventView> page) {
        var byEvent = deliveries.of(page.stream().map(EventView::id).toList());
        return page.stream().map(v -> new EventView(v.id(), v.type(), v.aggregateType(), v.aggregateId(),
                v.organizationId(), v.payload(), v.state(), v.createdAt(), v.attempts(), v.nextAttemptAt(),
                v.processedAt(), v.parkedAt(), v.lastError(), v.claimedBy(), v.claimedUntil(),
                byEvent.getOrDefault(v.id(), List.of()))).toList();
    }

    private static EventView bare(ResultSet rs, int row) throws SQLException {
        var processed = instant(rs, "processed_at");
        var parked = instant(rs, "parked_at");
        return new EventView(rs.getLong("id"), rs.getString("type"), rs.getString("aggregate_type"),
                rs.getString("aggregate_id"), rs.getString("organization_id"), rs.getString("payload"),
                EventView.state(processed, parked), instant(rs, "created_at"), rs.getInt("attempts"),
                instant(rs, "next_attempt_at"), processed, parked, rs.getString("last_error"),
                rs.getString("claimed_by"), instant(rs, "claimed_until"), List.of());
    }

    private static long cursorId(String cursor) {
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("cursor '" + cursor + "' is not a cursor this server issued");
        }
    }
}
