package dev.berth.server.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.berth.server.BerthIT;
import dev.berth.server.Postgres;
import dev.berth.server.SecondReplica;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/** Two control-plane replicas on one PostgreSQL dispatch 500 events: every handler effect happens exactly once. */
@Import(RecordingHandler.Config.class)
class TwoReplicasOutboxIT extends BerthIT {

    static final int EVENTS = 500;
    static String url;
    static ConfigurableApplicationContext second;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ApplicationContext applicationContext;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        url = Postgres.register(registry);
        registry.add("berth.events.batch-size", () -> "20");
        registry.add("berth.events.sweep", () -> "200ms");
    }

    private ConfigurableApplicationContext startSecond() {
        return SecondReplica.start(url, List.of(RecordingHandler.Config.class), "--berth.events.batch-size=20",
                "--berth.events.sweep=200ms");
    }

    @AfterAll
    static void stopSecond() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void fiveHundredEventsOnTwoReplicasAreEachHandledExactlyOnce() throws Exception {
        jdbc.execute("create table test_handled_event (event_id bigint primary key)");
        second = startSecond();
        List<ConfigurableApplicationContext> replicas = List.of(context(), second);
        assertThat(second.getBeansOfType(RecordingHandler.class)).hasSize(1);

        // each replica records half, from several threads, so both are woken and both claim
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Long>> writes = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            var ctx = replicas.get(i % 2);
            int n = i;
            writes.add(pool.submit(() -> ctx.getBean(TransactionTemplate.class).execute(s -> ctx
                    .getBean(Outbox.class).record("test.record", "test", "agg-" + (n % 50), null, Map.of("n", n)))));
        }
        Set<Long> recordedByA = new HashSet<>();
        for (int i = 0; i < EVENTS; i++) {
            long id = writes.get(i).get(1, TimeUnit.MINUTES);
            if (i % 2 == 0) {
                recordedByA.add(id);
            }
        }
        pool.shutdown();

        await().atMost(Duration.ofMinutes(2)).until(() -> jdbc.queryForObject(
                "select count(*) from event where type = 'test.record' and processed_at is not null", Integer.class)
                == EVENTS);
        int rows = jdbc.queryForObject("select count(*) from test_handled_event", Integer.class);
        List<RecordingHandler> handlers = List.of(context().getBean(RecordingHandler.class),
                second.getBean(RecordingHandler.class));
        int calls = handlers.stream().mapToInt(h -> h.calls.get()).sum();
        int duplicates = handlers.stream().mapToInt(h -> h.duplicates.get()).sum();
        long crossed = handlers.get(0).handled.stream().filter(id -> !recordedByA.contains(id)).count()
                + handlers.get(1).handled.stream().filter(recordedByA::contains).count();
        System.out.printf("OUTBOX-REPLICAS %d events: replica A handled %d, replica B handled %d, %d handled by the"
                + " replica that did not record them, duplicates %d%n", EVENTS, handlers.get(0).calls.get(),
                handlers.get(1).calls.get(), crossed, duplicates);
        assertThat(rows).isEqualTo(EVENTS);
        assertThat(calls).isEqualTo(EVENTS);
        assertThat(duplicates).isZero();
        assertThat(jdbc.queryForObject("select count(*) from event where claimed_by is not null", Integer.class))
                .isZero();
    }

    private ConfigurableApplicationContext context() {
        return (ConfigurableApplicationContext) applicationContext;
    }
}
