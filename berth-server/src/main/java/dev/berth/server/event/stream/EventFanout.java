package dev.berth.server.event.stream;

import jakarta.annotation.PreDestroy;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns committed changes into stream events and hands them to the organization's subscribers. The feed's
 * thread only enqueues; one thread builds (one row read per event, skipped when nobody of the organization
 * listens) and fans out, which keeps each sandbox's events in commit order.
 */
@Component
class EventFanout {

    private static final Logger log = LoggerFactory.getLogger(EventFanout.class);

    private final StreamRegistry registry;
    private final StreamEventFactory factory;
    private final ThreadPoolExecutor worker;

    EventFanout(StateChangeFeed feed, StreamRegistry registry, StreamEventFactory factory,
            EventStreamProperties props) {
        this.registry = registry;
        this.factory = factory;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(props.fanoutQueue()), r -> {
                    Thread t = new Thread(r, "event-stream-fanout");
                    t.setDaemon(true);
                    return t;
                });
        feed.subscribe(this::accept);
    }

    private void accept(StateChange change) {
        if (!registry.hasSubscribers(change.organizationId())) {
            return;
        }
        try {
            worker.execute(() -> fanOut(change));
        } catch (RejectedExecutionException e) {
            log.warn("event stream backlog full: dropped {} of sandbox {}", change.kind().eventName(),
                    change.sandboxId());
        }
    }

    private void fanOut(StateChange change) {
        if (!registry.hasSubscribers(change.organizationId())) {
            return;
        }
        try {
            registry.publish(factory.build(change));
        } catch (RuntimeException e) {
            log.warn("event stream: could not build {} of sandbox {}: {}", change.kind().eventName(),
                    change.sandboxId(), e.toString());
        }
    }

    @PreDestroy
    void shutdown() {
        worker.shutdownNow();
    }
}
