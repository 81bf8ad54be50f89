package dev.berth.server.event;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Handlers for the outbox tests; each reacts only to its own {@code test.*} event types. */
@TestConfiguration(proxyBeanMethods = false)
public class OutboxTestHandlers {

    @Bean
    Flaky flakyHandler() {
        return new Flaky();
    }

    @Bean
    Counting countingHandler() {
        return new Counting();
    }

    @Bean
    Poison poisonHandler() {
        return new Poison();
    }

    @Bean
    Latency latencyHandler() {
        return new Latency();
    }

    /** Fails the first {@code FAILURES} calls per event, then succeeds. */
    public static class Flaky implements EventHandler {
        static final int FAILURES = 3;
        final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "test-flaky";
        }

        @Override
        public boolean handles(String type) {
            return type.equals("test.flaky");
        }

        @Override
        public void handle(Event e) {
            int n = calls.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            if (n <= FAILURES) {
                throw new IllegalStateException("flaky failure " + n + " of event " + e.id());
            }
        }
    }

    /** Always succeeds; counts calls, to show a done handler is not re-run when another one is retried. */
    public static class Counting implements EventHandler {
        final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "test-counting";
        }

        @Override
        public boolean handles(String type) {
            return type.equals("test.flaky") || type.equals("test.poison");
        }

        @Override
        public void handle(Event e) {
            calls.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Fails until healed. */
    public static class Poison implements EventHandler {
        final AtomicBoolean healed = new AtomicBoolean();
        final Map<Long, AtomicInteger> calls = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "test-poison";
        }

        @Override
        public boolean handles(String type) {
            return type.equals("test.poison");
        }

        @Override
        public void handle(Event e) {
            calls.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
            if (!healed.get()) {
                throw new IllegalArgumentException("cannot digest event " + e.id());
            }
        }
    }

    /** Notes when each event reached it. */
    public static class Latency implements EventHandler {
        final Map<Long, Long> reachedNanos = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "test-latency";
        }

        @Override
        public boolean handles(String type) {
            return type.equals("test.latency");
        }

        @Override
        public void handle(Event e) {
            reachedNanos.putIfAbsent(e.id(), System.nanoTime());
            threads.add(Thread.currentThread().getName());
        }
    }
}
