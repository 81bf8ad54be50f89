package dev.berth.server.event.stream;

import java.time.Duration;
import java.time.Instant;

/**
 * Engine.IO v4 liveness, decided from instants only: the server pings {@code interval} after the open packet and
 * after each pong; a ping unanswered for {@code timeout} closes the connection.
 */
final class Heartbeat {

    /** What the connection must do now. */
    enum Action {
        NONE, PING, CLOSE
    }

    private final Duration interval;
    private final Duration timeout;
    private Instant nextPingAt;
    private Instant pongDueBy;

    Heartbeat(Instant openedAt, Duration interval, Duration timeout) {
        this.interval = interval;
        this.timeout = timeout;
        this.nextPingAt = openedAt.plus(interval);
    }

    synchronized Action tick(Instant now) {
        if (pongDueBy != null) {
            return now.isAfter(pongDueBy) ? Action.CLOSE : Action.NONE;
        }
        if (!now.isBefore(nextPingAt)) {
            pongDueBy = now.plus(timeout);
            return Action.PING;
        }
        return Action.NONE;
    }

    /** A pong arrived; false if none was expected (ignored, as Engine.IO servers do). */
    synchronized boolean pong(Instant now) {
        if (pongDueBy == null) {
            return false;
        }
        pongDueBy = null;
        nextPingAt = now.plus(interval);
        return true;
    }
}
