package dev.berth.server.sandbox;

import dev.berth.core.sandbox.SandboxState;

/** Outbox payloads of sandbox events: identity and state only, never env values or labels. */
final class SandboxEvents {

    static final String AGGREGATE = "sandbox";

    private SandboxEvents() {
    }

    record Created(String id, String organizationId, String name, String state) {
    }

    /** {@code stateReason}: the lifecycle policy that made the change and why (null for a user's own action). */
    record StateUpdated(String id, String organizationId, String oldState, String newState, String errorReason,
            String stateReason) {
    }

    static Created created(Sandbox s) {
        return new Created(s.getId(), s.getOrganizationId(), s.getName(), s.getState().wireName());
    }

    static StateUpdated stateUpdated(Sandbox s, SandboxState from) {
        return new StateUpdated(s.getId(), s.getOrganizationId(), from.wireName(), s.getState().wireName(),
                s.getErrorReason(), s.getStateReason());
    }
}
