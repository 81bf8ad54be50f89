package dev.berth.server.event;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every replica learns of every committed event at once, whichever replica wrote it (PostgreSQL only).
 *
 * <p>The transaction that records an event also issues {@code pg_notify('berth_events', id)};
 * PostgreSQL delivers notifications at commit (never for a rollback), in commit order, to every
 * connection listening on the channel. Each replica keeps one connection of its own that listens,
 * loads the notified events by id and hands them to its subscribers, in order. The connection is
 * reopened with back-off when it drops, and the events committed meanwhile are read by id from the
 * last one delivered (an event whose id is lower but which committed later can be missed then).
 *
 * <p>This is a notification path for live clients, not the outbox's delivery: handlers still run
 * exactly as the dispatcher decides. On H2 (a single instance) it is off: {@link #available()} is
 * false and subscribers are fed by {@link EventBus} instead.
 */
@Component
public class CommitNotifications implements SmartLifecycle {

    static final String CHANNEL = "berth_events";
    /** How the listening connection shows in {@code pg_stat_activity}. */
    public static final String APPLICATION_NAME = "berth-event-notifications";
    private static final Logger log = LoggerFactory.getLogger(CommitNotifications.class);
    private static final int CATCH_UP_LIMIT = 1000;

    private final NamedParameterJdbcTemplate jdbc;
    private final DataSourceProperties dataSource;
    private final boolean postgres;
    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch stopped = new CountDownLatch(0);
    private volatile Thread listener;
    private volatile Connection connection;
    private long lastDelivered = -1;
    /** Ids delivered lately (listener thread only), so an event reaches subscribers once. */
    private final Set<Long> recent = Collections.newSetFromMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > 10_000;
                }
            });

    CommitNotifications(NamedParameterJdbcTemplate jdbc, DataSourceProperties dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.postgres = dataSource.determineUrl() != null && dataSource.determineUrl().startsWith("jdbc:postgresql:");
    }

    /** True when events reach every replica's subscribers through this path. */
    public boolean available() {
        return postgres;
    }

    /** Called with each committed event, in commit order, on the listener thread; must return quickly. */
    public void subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
    }

    /** In the recording transaction: PostgreSQL sends it when (and only if) that transaction commits. */
    void publish(long eventId) {
        if (postgres) {
            jdbc.getJdbcOperations().query("select pg_notify(?, ?)", (ResultSetExtractor<Void>) rs -> null, CHANNEL,
                    Long.toString(eventId));
        }
    }

    private void listen(CountDownLatch stopped) {
        long backoff = 250;
        while (stopped.getCount() > 0) {
            try (Connection c = DriverManager.getConnection(dataSource.determineUrl(), connectionProperties())) {
                connection = c;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                if (lastDelivered < 0) {
                    lastDelivered = latestId(); // start from now: a client is told about changes, not history
                } else {
                    catchUp();
                }
                backoff = 250;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (stopped.getCount() > 0) {
                    PGNotification[] batch = pg.getNotifications(1000);
                    if (batch != null && batch.length > 0) {
                        List<Long> ids = new ArrayList<>(batch.length);
                        for (PGNotification n : batch) {
                            ids.add(Long.parseLong(n.getParameter()));
                        }
                        deliver(load(ids));
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped.getCount() == 0) {
                    return;
                }
                log.warn("event notification listener lost its connection ({}); reconnecting in {} ms",
                        e.getMessage(), backoff);
            } finally {
                connection = null;
            }
            try {
                if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    private Properties connectionProperties() {
        var p = new Properties();
        if (dataSource.determineUsername() != null) {
            p.setProperty("user", dataSource.determineUsername());
        }
        if (dataSource.determinePassword() != null) {
            p.setProperty("password", dataSource.determinePassword());
        }
        p.setProperty("ApplicationName", APPLICATION_NAME); // names it in pg_stat_activity
        return p;
    }

    private long latestId() {
        Long max = jdbc.getJdbcOperations().queryForObject("select max(id) from event", Long.class);
        return max == null ? 0 : max;
    }

    /** Events committed while the listener was away. */
    private void catchUp() {
        deliver(jdbc.query("select " + EventStore.COLUMNS + " from event where id > :after order by id limit :limit",
                Map.of("after", lastDelivered, "limit", CATCH_UP_LIMIT), EventStore::event));
    }

    private List<Event> load(List<Long> ids) {
        List<Event> found = jdbc.query("select " + EventStore.COLUMNS + " from event where id in (:ids)",
                Map.of("ids", ids), EventStore::event);
        // commit order, which is the notification order (ids need not be in it)
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            position.putIfAbsent(ids.get(i), i);
        }
        found.sort(Comparator.comparingInt(e -> position.get(e.id())));
        return found;
    }

    private void deliver(List<Event> events) {
        for (Event e : events) {
            if (!recent.add(e.id())) {
                continue; // read by a catch-up and notified too (committed between LISTEN and the catch-up)
            }
            lastDelivered = Math.max(lastDelivered, e.id());
            for (Consumer<Event> s : subscribers) {
                try {
                    s.accept(e);
                } catch (RuntimeException ex) {
                    log.warn("event notification subscriber failed on event {}: {}", e.id(), ex.toString());
                }
            }
        }
    }

    /** Starts listening; also after a {@link #stop()} (a paused and resumed context). */
    @Override
    public synchronized void start() {
        if (postgres && !isRunning()) {
            CountDownLatch latch = new CountDownLatch(1);
            stopped = latch;
            Thread t = new Thread(() -> listen(latch), "event-notifications");
            t.setDaemon(true);
            listener = t;
            t.start();
        }
    }

    @Override
    public synchronized void stop() {
        stopped.countDown();
        Connection c = connection;
        if (c != null) {
            try {
                c.close(); // ends a wait in getNotifications
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        Thread t = listener;
        if (t != null) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return stopped.getCount() > 0;
    }
}
