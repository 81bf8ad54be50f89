package dev.berth.server.event;

import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Prunes processed events older than {@code berth.events.retention}, a bounded batch per statement.
 * Safe with N replicas: concurrent deletes of the same rows just delete nothing the second time.
 * Parked and pending events are kept.
 */
@Component
class EventRetention implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);
    private static final int MAX_BATCHES_PER_RUN = 20;

    private final NamedParameterJdbcTemplate jdbc;
    private final EventsProperties props;
    private final Clock clock;

    EventRetention(NamedParameterJdbcTemplate jdbc, EventsProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.props = props;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(new FixedDelayTask(this::pruneLogged, props.pruneInterval(), props.pruneInterval()));
    }

    /** Deletes processed events past retention; returns how many. */
    int prune() {
        var params = Map.of("cutoff", EventStore.ts(clock.instant().minus(props.retention())), "limit",
                props.pruneBatch());
        int total = 0;
        for (int i = 0; i < MAX_BATCHES_PER_RUN; i++) {
            int n = jdbc.update("delete from event where id in (select id from event where processed_at < :cutoff"
                    + " order by processed_at limit :limit)", params);
            total += n;
            if (n < props.pruneBatch()) {
                break;
            }
        }
        return total;
    }

    private void pruneLogged() {
        try {
            int n = prune();
            if (n > 0) {
                log.info("pruned {} processed events older than {}", n, props.retention());
            }
        } catch (RuntimeException e) {
            log.warn("pruning events failed; next try in {}: {}", props.pruneInterval(), e.toString());
        }
    }
}
