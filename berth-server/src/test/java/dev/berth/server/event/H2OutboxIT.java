package dev.berth.server.event;

/** The outbox on the embedded H2 database (the default single-node setup). */
class H2OutboxIT extends OutboxContract {
}
