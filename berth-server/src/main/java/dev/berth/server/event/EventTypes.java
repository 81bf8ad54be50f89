package dev.berth.server.event;

/** Event type names; they are stable wire names (subscribers and the admin API filter on them). */
public final class EventTypes {

    public static final String SANDBOX_CREATED = "sandbox.created";
    public static final String SANDBOX_STATE_UPDATED = "sandbox.state.updated";

    private EventTypes() {
    }
}
