package dev.berth.server.event;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts each {@code test.record} event's id into {@code test_handled_event} (unique); a second
 * delivery of an event would show as a duplicate-key attempt. One instance per application context.
 */
public class RecordingHandler implements EventHandler {

    static final List<RecordingHandler> INSTANCES = new CopyOnWriteArrayList<>();

    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger duplicates = new AtomicInteger();
    final Set<Long> handled = ConcurrentHashMap.newKeySet();
    private final JdbcTemplate jdbc;

    RecordingHandler(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        INSTANCES.add(this);
    }

    @Override
    public String name() {
        return "test-recording";
    }

    @Override
    public boolean handles(String type) {
        return type.equals("test.record");
    }

    @Override
    public void handle(Event e) {
        calls.incrementAndGet();
        handled.add(e.id());
        try {
            jdbc.update("insert into test_handled_event (event_id) values (?)", e.id());
        } catch (DuplicateKeyException dup) {
            duplicates.incrementAndGet();
        }
    }

    /** Registers the handler: imported by the test context, added as a source of a second replica. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        RecordingHandler recordingHandler(JdbcTemplate jdbc) {
            return new RecordingHandler(jdbc);
        }
    }
}
