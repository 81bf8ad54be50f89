package dev.berth.server.event.stream;

import java.util.function.Consumer;

/**
 * Where the stream learns of committed sandbox changes. Listeners are called after commit, must return quickly,
 * and may be called from any thread. Implemented over the durable outbox
 * ({@link OutboxStateChangeFeed}); another source is one more small adapter.
 */
public interface StateChangeFeed {

    void subscribe(Consumer<StateChange> listener);
}
