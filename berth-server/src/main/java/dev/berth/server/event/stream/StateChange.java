package dev.berth.server.event.stream;

import dev.berth.core.sandbox.SandboxState;
import java.util.Objects;

/**
 * A committed sandbox change, as the stream needs it.
 *
 * @param from the state before, or null when the source does not know it
 */
public record StateChange(Kind kind, String sandboxId, String organizationId, SandboxState from, SandboxState to) {

    /** What happened; each maps to one client event name. */
    public enum Kind {
        CREATED("sandbox.created"),
        STATE_UPDATED("sandbox.state.updated");

        private final String eventName;

        Kind(String eventName) {
            this.eventName = eventName;
        }

        public String eventName() {
            return eventName;
        }
    }

    public StateChange {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(to, "to");
    }
}
