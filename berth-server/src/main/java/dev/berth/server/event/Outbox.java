package dev.berth.server.event;

import java.time.Clock;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records domain events in the caller's transaction, so an event exists exactly when the change it
 * describes committed. After the commit the local dispatcher is woken; nothing is published in memory. On
 * PostgreSQL the same transaction notifies every replica's live clients ({@link CommitNotifications}).
 */
@Component
public class Outbox {

    private final EventStore store;
    private final DispatchSignal signal;
    private final CommitNotifications notifications;
    private final JsonMapper json;
    private final Clock clock;

    Outbox(EventStore store, DispatchSignal signal, CommitNotifications notifications, JsonMapper json, Clock clock) {
        this.store = store;
        this.signal = signal;
        this.notifications = notifications;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Inserts an event; fails unless a transaction is active.
     *
     * @param payload serialized to a JSON object; must not hold env values or secrets
     * @return the event's id
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long record(String type, String aggregateType, String aggregateId, String organizationId, Object payload) {
        long id = store.insert(type, aggregateType, aggregateId, organizationId, json.writeValueAsString(payload),
                clock.instant());
        notifications.publish(id); // every replica's live clients hear of it at commit (PostgreSQL)
        signal.wakeAfterCommit();
        return id;
    }
}
