package dev.berth.server.event.stream;

import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.event.CommitNotifications;
import dev.berth.server.event.Event;
import dev.berth.server.event.EventBus;
import dev.berth.server.event.EventTypes;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link StateChangeFeed} over the durable outbox's sandbox events. On PostgreSQL it follows
 * {@link CommitNotifications}: every committed event, whichever replica wrote it, in commit order, once per
 * replica, right at commit. On H2 (one instance) it follows {@link EventBus}: the events this replica dispatches,
 * after commit, at least once and possibly out of order. Both are harmless to clients: each event carries the
 * sandbox as read when it is sent, and the SDK applies a state idempotently.
 */
@Component
class OutboxStateChangeFeed implements StateChangeFeed {

    private static final String SANDBOX = "sandbox";

    private final EventBus bus;
    private final CommitNotifications notifications;
    private final JsonMapper json;

    OutboxStateChangeFeed(EventBus bus, CommitNotifications notifications, JsonMapper json) {
        this.bus = bus;
        this.notifications = notifications;
        this.json = json;
    }

    @Override
    public void subscribe(Consumer<StateChange> listener) {
        Consumer<Event> convert = e -> toChange(e).ifPresent(listener);
        if (notifications != null && notifications.available()) {
            notifications.subscribe(convert);
        } else {
            bus.subscribe(convert);
        }
    }

    Optional<StateChange> toChange(Event e) {
        if (!SANDBOX.equals(e.aggregateType()) || e.organizationId() == null || e.aggregateId() == null) {
            return Optional.empty();
        }
        StateChange.Kind kind;
        String toField;
        if (EventTypes.SANDBOX_CREATED.equals(e.type())) {
            kind = StateChange.Kind.CREATED;
            toField = "state";
        } else if (EventTypes.SANDBOX_STATE_UPDATED.equals(e.type())) {
            kind = StateChange.Kind.STATE_UPDATED;
            toField = "newState";
        } else {
            return Optional.empty();
        }
        JsonNode p = json.readTree(e.payload());
        Optional<SandboxState> to = state(p, toField);
        return to.map(s -> new StateChange(kind, e.aggregateId(), e.organizationId(), state(p, "oldState").orElse(null),
                s));
    }

    private static Optional<SandboxState> state(JsonNode payload, String field) {
        JsonNode v = payload.get(field);
        return v != null && v.isString() ? SandboxState.fromWire(v.asString()) : Optional.empty();
    }
}
