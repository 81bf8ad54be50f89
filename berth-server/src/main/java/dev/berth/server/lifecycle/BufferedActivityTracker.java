package dev.berth.server.lifecycle;

import dev.berth.server.config.LifecycleProperties;
import dev.berth.server.sandbox.ActivityTracker;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Activity stamps kept in this replica's memory and written in one batch every {@code activity-flush}: the newest
 * stamp per sandbox, and "now" for every sandbox held open here. A write only ever moves a stamp forward, so
 * replicas flushing in any order agree. Costs one map update per toolbox call on the request path. A crash loses
 * at most one flush interval of stamps (the sandbox looks idle that much earlier).
 */
@Component
class BufferedActivityTracker implements ActivityTracker, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BufferedActivityTracker.class);
    private static final String STAMP = "update sandbox set last_activity_at = ? where id = ?"
            + " and (last_activity_at is null or last_activity_at < ?)";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final LifecycleProperties props;
    private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService flusher;

    BufferedActivityTracker(JdbcTemplate jdbc, Clock clock, LifecycleProperties props) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.props = props;
    }

    @Override
    public void touch(String sandboxId) {
        pending.merge(sandboxId, clock.instant(), (a, b) -> a.isAfter(b) ? a : b);
    }

    @Override
    public Hold hold(String sandboxId) {
        held.merge(sandboxId, 1, Integer::sum);
        touch(sandboxId);
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                held.computeIfPresent(sandboxId, (k, n) -> n <= 1 ? null : n - 1);
                touch(sandboxId);
            }
        };
    }

    @Override
    public synchronized void flush() {
        Instant now = clock.instant();
        Map<String, Instant> batch = new HashMap<>();
        held.keySet().forEach(id -> batch.put(id, now));
        for (String id : new ArrayList<>(pending.keySet())) {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.merge(id, at, (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(batch.size());
        batch.forEach((id, at) -> rows.add(new Object[] {Timestamp.from(at), id, Timestamp.from(at)}));
        try {
            jdbc.batchUpdate(STAMP, rows);
        } catch (RuntimeException e) {
            // put them back (newest wins): the next flush tries again
            batch.forEach((id, at) -> pending.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
            log.warn("activity stamps of {} sandboxes not written yet: {}", batch.size(), e.getMessage());
        }
    }

    @Override
    public synchronized void start() {
        if (flusher == null) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "activity-flush");
                t.setDaemon(true);
                return t;
            });
            long every = props.activityFlush().toMillis();
            flusher.scheduleWithFixedDelay(this::flushQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("activity flush failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
            flusher = null;
            flushQuietly();
        }
    }

    @Override
    public boolean isRunning() {
        return flusher != null;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100; // stopped before the database goes away
    }
}
