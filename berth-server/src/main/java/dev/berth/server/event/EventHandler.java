package dev.berth.server.event;

/**
 * Reacts to dispatched events. Delivery is at least once: a handler may see the same event again
 * (a replica crashed after the handler ran, a lease expired, an admin replayed the event), so
 * {@link #handle} must be idempotent. Throwing marks this handler's delivery failed; it is retried
 * with back-off and parked after {@code berth.events.max-attempts}. A handler that succeeded is not
 * re-run when another handler of the same event fails. Handlers run outside any transaction.
 */
public interface EventHandler {

    /** Stable name; per-handler delivery state is keyed by it, so renaming re-delivers pending events. */
    String name();

    boolean handles(String type);

    void handle(Event event);
}
