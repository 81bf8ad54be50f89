package dev.berth.server.event.stream;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One thread that drives every open stream's pings, heartbeats and timeouts. A tick only decides and queues, so a
 * slow client never delays the others.
 */
@Component
class StreamTicker {

    private static final Logger log = LoggerFactory.getLogger(StreamTicker.class);

    private final Clock clock;
    private final Set<StreamSubscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "event-stream-ticker");
        t.setDaemon(true);
        return t;
    });

    StreamTicker(Clock clock, EventStreamProperties props) {
        this.clock = clock;
        long period = period(props).toMillis();
        scheduler.scheduleAtFixedRate(this::tickAll, period, period, TimeUnit.MILLISECONDS);
    }

    /** A quarter of the shortest deadline, between 50 ms and 1 s: timeouts fire at most that late. */
    static Duration period(EventStreamProperties p) {
        Duration shortest = Stream.of(p.pingInterval(), p.pingTimeout(), p.connectTimeout(), p.sseHeartbeat())
                .min(Duration::compareTo).orElseThrow();
        long ms = Math.max(50, Math.min(1000, shortest.toMillis() / 4));
        return Duration.ofMillis(ms);
    }

    void register(StreamSubscriber s) {
        subscribers.add(s);
    }

    void unregister(StreamSubscriber s) {
        subscribers.remove(s);
    }

    private void tickAll() {
        var now = clock.instant();
        for (StreamSubscriber s : subscribers) {
            try {
                s.tick(now);
            } catch (RuntimeException e) {
                log.warn("event stream tick failed: {}", e.toString());
            }
        }
    }

    @PreDestroy
    void shutdown() {
        scheduler.shutdownNow();
    }
}
