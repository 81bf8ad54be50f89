package dev.berth.server.event.stream;

import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.event.Event;
import dev.berth.server.event.EventBus;
import dev.berth.server.event.EventTypes;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link StateChangeFeed} over the durable outbox's {@link EventBus}: sandbox events this replica dispatches, after
 * commit, at least once and possibly out of order. Both are harmless to clients: each event carries the sandbox as
 * read when it is sent, and the SDK applies a state idempotently.
 */
@Component
class EventBusStateChangeFeed implements StateChangeFeed {

    private static final String SANDBOX = "sandbox";

    private final EventBus bus;
    private final JsonMapper json;

    EventBusStateChangeFeed(EventBus bus, JsonMapper json) {
        this.bus = bus;
        this.json = json;
    }

    @Override
    public void subscribe(Consumer<StateChange> listener) {
        bus.subscribe(e -> toChange(e).ifPresent(listener));
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
