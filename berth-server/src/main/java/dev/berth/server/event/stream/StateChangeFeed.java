package dev.berth.server.event.stream;

import java.util.function.Consumer;

/**
 * Where the stream learns of committed sandbox changes. Listeners are called after commit, must return quickly,
 * and may be called from any thread. Today an adapter over the in-process Spring event; the durable outbox's
 * {@code EventBus} replaces that one class.
 */
public interface StateChangeFeed {

    void subscribe(Consumer<StateChange> listener);
}
