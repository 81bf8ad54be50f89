package dev.berth.server.event;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the handlers of one claimed event and records the round's outcome: processed when every
 * handler is done, re-scheduled while a delivery is pending, parked when none is pending and one
 * is parked. Handlers that are done (or not due yet) are skipped.
 */
@Component
class EventProcessor {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    private final List<EventHandler> handlers;
    private final EventStore events;
    private final DeliveryLog deliveries;
    private final TransactionTemplate tx;
    private final Backoff backoff;
    private final Clock clock;

    EventProcessor(List<EventHandler> handlers, EventStore events, DeliveryLog deliveries, TransactionTemplate tx,
            EventsProperties props, Clock clock) {
        this.handlers = List.copyOf(handlers);
        var names = new HashSet<String>();
        this.handlers.stream().filter(h -> !names.add(h.name())).findAny().ifPresent(h -> {
            throw new IllegalStateException("two event handlers are named '" + h.name()
                    + "'; delivery state is kept per name, so names must be unique");
        });
        this.events = events;
        this.deliveries = deliveries;
        this.tx = tx;
        this.backoff = new Backoff(props.backoff(), props.maxAttempts(), clock);
        this.clock = clock;
    }

    /** Returns when the event is due again if a delivery is still pending, else null. */
    Instant process(Event e, String owner) {
        // outcomes are only stored once a round failed, so a first attempt needs no lookup
        Map<String, Delivery> prior = e.attempts() > 0 ? deliveries.of(e.id()) : Map.of();
        Instant now = clock.instant();
        List<Delivery> outcomes = new ArrayList<>();
        Instant next = null;
        String error = null;
        String parkedError = null;
        boolean failed = false;
        for (EventHandler h : handlers) {
            if (!h.handles(e.type())) {
                continue;
            }
            Delivery d = prior.get(h.name());
            if (d != null && d.state() == Delivery.State.DONE) {
                continue;
            }
            if (d != null && d.state() == Delivery.State.PARKED) {
                parkedError = h.name() + ": " + d.lastError();
                continue;
            }
            if (d != null && d.nextAttemptAt() != null && d.nextAttemptAt().isAfter(now)) {
                next = earliest(next, d.nextAttemptAt());
                continue;
            }
            Delivery outcome = run(h, e, d == null ? 0 : d.attempts());
            outcomes.add(outcome);
            if (outcome.state() == Delivery.State.FAILED) {
                failed = true;
                next = earliest(next, outcome.nextAttemptAt());
                error = h.name() + ": " + outcome.lastError();
            } else if (outcome.state() == Delivery.State.PARKED) {
                failed = true;
                parkedError = h.name() + ": " + outcome.lastError();
            }
        }
        boolean held = record(e, owner, prior, outcomes, next, failed, error != null ? error : parkedError,
                parkedError != null, now);
        return held ? next : null;
    }

    private Delivery run(EventHandler h, Event e, int priorAttempts) {
        int attempt = priorAttempts + 1;
        try {
            h.handle(e);
            return new Delivery(h.name(), Delivery.State.DONE, attempt, null, null);
        } catch (RuntimeException ex) {
            String error = String.valueOf(ex);
            if (backoff.parks(attempt)) {
                log.warn("event {} ({}) parked for handler '{}' after {} attempts: {}", e.id(), e.type(), h.name(),
                        attempt, error);
                return new Delivery(h.name(), Delivery.State.PARKED, attempt, error, null);
            }
            Instant at = backoff.nextAttemptAt(attempt);
            log.warn("event {} ({}) failed in handler '{}' (attempt {}), retry at {}: {}", e.id(), e.type(), h.name(),
                    attempt, at, error);
            return new Delivery(h.name(), Delivery.State.FAILED, attempt, error, at);
        }
    }

    private boolean record(Event e, String owner, Map<String, Delivery> prior, List<Delivery> outcomes, Instant next,
            boolean failed, String error, boolean parked, Instant now) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            boolean held;
            if (next != null) {
                held = events.retry(e.id(), owner, next, failed, error);
            } else if (parked) {
                held = events.park(e.id(), owner, clock.instant(), error);
            } else {
                held = events.processed(e.id(), owner, clock.instant());
            }
            if (!held) {
                // the lease expired and another replica owns the event now; it runs the handlers again
                log.warn("event {} ({}): lease lost while handling it; outcome discarded", e.id(), e.type());
                status.setRollbackOnly();
                return false;
            }
            if (!outcomes.isEmpty() && (failed || parked || !prior.isEmpty())) {
                deliveries.write(e.id(), outcomes, now);
            }
            return true;
        }));
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
