package dev.berth.server.event;

import dev.berth.server.auth.Access;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code /api/admin/events}: inspect the outbox and replay parked (or processed) events. */
@RestController
@RequestMapping("/api/admin/events")
public class EventAdminController {

    private final EventQuery query;
    private final EventReplay replay;
    private final JsonMapper json;

    EventAdminController(EventQuery query, EventReplay replay, JsonMapper json) {
        this.query = query;
        this.replay = replay;
        this.json = json;
    }

    public record DeliveryDto(String handler, String state, int attempts, String lastError, Instant nextAttemptAt) {
    }

    public record EventDto(long id, String type, String aggregateType, String aggregateId, String organizationId,
            JsonNode payload, String state, Instant createdAt, int attempts, Instant nextAttemptAt,
            Instant processedAt, Instant parkedAt, String lastError, String claimedBy, Instant claimedUntil,
            List<DeliveryDto> deliveries) {
    }

    public record ListResponse(List<EventDto> items, String nextCursor) {
    }

    @GetMapping
    @Access(Access.Level.SYSTEM_ADMIN)
    public ListResponse list(@RequestParam(required = false) String type,
            @RequestParam(required = false) String aggregateId,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        var page = query.list(new EventQuery.Filter(type, aggregateId, state), limit, cursor);
        return new ListResponse(page.items().stream().map(this::toDto).toList(), page.nextCursor());
    }

    @PostMapping("/{id}/replay")
    @Access(Access.Level.SYSTEM_ADMIN)
    public EventDto replay(@PathVariable long id) {
        return toDto(replay.replay(id));
    }

    private EventDto toDto(EventView v) {
        return new EventDto(v.id(), v.type(), v.aggregateType(), v.aggregateId(), v.organizationId(),
                json.readTree(v.payload()), v.state(), v.createdAt(), v.attempts(), v.nextAttemptAt(),
                v.processedAt(), v.parkedAt(), v.lastError(), v.claimedBy(), v.claimedUntil(),
                v.deliveries().stream().map(d -> new DeliveryDto(d.handler(), d.state().wireName(), d.attempts(),
                        d.lastError(), d.nextAttemptAt())).toList());
    }
}
