package dev.berth.server.event.stream;

import java.time.Instant;

/** An open client stream of one organization (a Socket.IO connection or an SSE response). */
interface StreamSubscriber {

    String organizationId();

    /** Queues the event; never blocks. */
    void deliver(StreamEvent event);

    /** Heartbeats and timeouts, called by {@link StreamTicker}; never blocks. */
    void tick(Instant now);

    /** Ends the stream (server shutdown); never blocks. */
    void close(String reason);
}
