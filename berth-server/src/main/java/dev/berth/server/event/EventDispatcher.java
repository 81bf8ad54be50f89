package dev.berth.server.event;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This replica's dispatch loop: claim a batch, run it on a bounded pool, repeat until nothing is due,
 * then wait for a wake-up (a local commit that recorded events) or the sweep period (other replicas'
 * events, retries, leases of crashed replicas). Events of one aggregate in a batch run in id order on
 * one worker; across batches, retries and replicas there is no ordering guarantee. An event is only
 * started with at least half its lease left, so the lease must exceed twice the slowest handler run.
 */
@Component
class EventDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final EventStore store;
    private final EventProcessor processor;
    private final DispatchSignal signal;
    private final EventsProperties props;
    private final Clock clock;
    private final String owner = hostName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    private volatile boolean running;
    /** The earliest retry this replica scheduled; the loop wakes for it instead of waiting for the sweep. */
    private final AtomicReference<Instant> nextRetry = new AtomicReference<>();
    private Thread loop;
    private ThreadPoolExecutor pool;

    EventDispatcher(EventStore store, EventProcessor processor, DispatchSignal signal, EventsProperties props,
            Clock clock) {
        this.store = store;
        this.processor = processor;
        this.signal = signal;
        this.props = props;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(props.workers(), props.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(props.batchSize()), r -> daemon(r, "berth-events-" + n.incrementAndGet()));
        running = true;
        loop = daemon(this::run, "berth-events-dispatcher");
        loop.start();
        log.info("event dispatcher {} started ({} workers, sweep {})", owner, props.workers(), props.sweep());
    }

    @Override
    public synchronized void stop() {
        running = false;
        signal.wake();
        try {
            loop.join(15_000);
            pool.shutdown();
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                pool.shutdownNow(); // unfinished events are re-claimed by others when their lease expires
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
        log.info("event dispatcher {} stopped", owner);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts after the schema exists; stops after the web server, so in-flight requests' events get a wake-up. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 8192;
    }

    private void run() {
        while (running) {
            try {
                drain();
                signal.await(untilNextLook());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("event dispatch round failed; next try in {}: {}", props.sweep(), e.toString());
                try {
                    signal.await(props.sweep());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private Duration untilNextLook() {
        Instant retry = nextRetry.get();
        if (retry == null) {
            return props.sweep();
        }
        Duration d = Duration.between(clock.instant(), retry);
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(props.sweep()) < 0 ? d : props.sweep();
    }

    private void drain() throws InterruptedException {
        while (running) {
            Instant now = clock.instant();
            nextRetry.updateAndGet(r -> r != null && !r.isAfter(now) ? null : r); // this claim covers it
            Instant until = now.plus(props.lease());
            List<Event> batch = store.claim(owner, props.batchSize(), now, until);
            if (batch.isEmpty()) {
                return;
            }
            runBatch(batch, until);
            if (batch.size() < props.batchSize()) {
                return; // later commits woke the signal, so the outer loop comes straight back
            }
        }
    }

    private void runBatch(List<Event> batch, Instant until) throws InterruptedException {
        Map<String, List<Event>> byAggregate = new LinkedHashMap<>();
        batch.forEach(e -> byAggregate.computeIfAbsent(e.aggregateType() + ":" + e.aggregateId(),
                k -> new ArrayList<>()).add(e));
        List<Future<?>> futures = new ArrayList<>();
        byAggregate.values().forEach(events -> futures.add(pool.submit(() -> events.forEach(e -> processOne(e, until)))));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                log.warn("event processing failed; the events are re-claimed after their lease: {}",
                        e.getCause().toString());
            }
        }
    }

    private void processOne(Event e, Instant leaseUntil) {
        if (!running) {
            store.release(e.id(), owner);
            return;
        }
        if (clock.instant().plus(props.lease().dividedBy(2)).isAfter(leaseUntil)) {
            // slow batch: less than half the lease is left, so another replica could take it over mid-run
            store.release(e.id(), owner);
            signal.wake();
            return;
        }
        try {
            Instant retry = processor.process(e, owner);
            if (retry != null) {
                nextRetry.accumulateAndGet(retry, (a, b) -> a == null || b.isBefore(a) ? b : a);
            }
        } catch (RuntimeException ex) { // e.g. the database is unreachable: the lease expires and it is re-claimed
            log.warn("event {} ({}) could not be processed; re-claimed after its lease: {}", e.id(), e.type(),
                    ex.toString());
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
