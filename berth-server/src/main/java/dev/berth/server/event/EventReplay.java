package dev.berth.server.event;

import dev.berth.core.error.ConflictException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Re-queues an event: a parked one gets its parked deliveries back with a fresh attempt budget
 * (handlers that succeeded are not re-run); a processed one runs every handler again. A pending
 * event is refused.
 */
@Component
class EventReplay {

    private final NamedParameterJdbcTemplate jdbc;
    private final EventQuery query;
    private final DeliveryLog deliveries;
    private final DispatchSignal signal;
    private final Clock clock;

    EventReplay(NamedParameterJdbcTemplate jdbc, EventQuery query, DeliveryLog deliveries, DispatchSignal signal,
            Clock clock) {
        this.jdbc = jdbc;
        this.query = query;
        this.deliveries = deliveries;
        this.signal = signal;
        this.clock = clock;
    }

    @Transactional
    public EventView replay(long id) {
        EventView e = query.get(id);
        Instant now = clock.instant();
        var p = Map.<String, Object>of("id", id, "now", EventStore.ts(now));
        int updated = switch (e.state()) {
            case "parked" -> {
                deliveries.requeueParked(id, now);
                yield jdbc.update("update event set parked_at = null, next_attempt_at = :now"
                        + " where id = :id and parked_at is not null", p);
            }
            case "processed" -> {
                deliveries.clear(id);
                yield jdbc.update("update event set processed_at = null, next_attempt_at = :now"
                        + " where id = :id and processed_at is not null", p);
            }
            default -> 0;
        };
        if (updated == 0) {
            throw new ConflictException("event " + id + " is pending; only parked or processed events can be replayed");
        }
        signal.wakeAfterCommit();
        return query.get(id);
    }
}
