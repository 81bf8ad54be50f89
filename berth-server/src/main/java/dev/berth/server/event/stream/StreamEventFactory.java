package dev.berth.server.event.stream;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the payloads the Daytona SDK reads: {@code sandbox.created} → {@code {sandbox}}, {@code sandbox.state.updated}
 * → {@code {sandbox, oldState, newState}}, where {@code sandbox} is the full DTO as {@code GET /api/sandbox/{id}}
 * returns it, read after the commit. A row already gone (destroyed and purged) is sent as id, organization and state.
 */
@Component
class StreamEventFactory {

    private final SandboxPayloads sandboxes;
    private final JsonMapper json;

    StreamEventFactory(SandboxPayloads sandboxes, JsonMapper json) {
        this.sandboxes = sandboxes;
        this.json = json;
    }

    StreamEvent build(StateChange c) {
        Object sandbox = sandboxes.current(c.organizationId(), c.sandboxId())
                .orElseGet(() -> Map.of("id", c.sandboxId(), "organizationId", c.organizationId(),
                        "state", c.to().wireName()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("sandbox", sandbox);
        if (c.kind() == StateChange.Kind.STATE_UPDATED) {
            payload.put("oldState", c.from() == null ? null : c.from().wireName());
            payload.put("newState", c.to().wireName());
        }
        return new StreamEvent(c.organizationId(), c.sandboxId(), c.kind().eventName(),
                json.writeValueAsString(payload));
    }
}
