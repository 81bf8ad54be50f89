package dev.berth.server.event;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * In-process subscribers of dispatched events (e.g. an event stream to clients). Delivered by this
 * built-in handler, so a subscriber sees the events that this replica dispatches, after commit, at
 * least once, and possibly out of order. A failing subscriber is logged and does not hold up others
 * or cause a retry.
 */
@Component
public class EventBus implements EventHandler {

    private static final Logger log = LoggerFactory.getLogger(EventBus.class);

    private final CopyOnWriteArrayList<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();

    /** A subscription; closing it stops delivery. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    public Subscription subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    @Override
    public String name() {
        return "event-bus";
    }

    @Override
    public boolean handles(String type) {
        return true;
    }

    @Override
    public void handle(Event event) {
        for (Consumer<Event> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                log.warn("event subscriber {} failed on event {} ({}): {}", s, event.id(), event.type(), e.toString());
            }
        }
    }
}
