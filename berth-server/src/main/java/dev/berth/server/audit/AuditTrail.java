package dev.berth.server.audit;

import dev.berth.core.error.UnavailableException;
import jakarta.annotation.PreDestroy;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes audit records in two steps, each in its own committed transaction.
 *
 * <p>{@link #begin} inserts the record with outcome {@code pending} <em>before</em> the handler
 * runs; {@link #complete} fills in the outcome afterwards. So a mutation that committed always
 * has its record, even if the process dies right after the commit (it then stays
 * {@code pending}): this is stronger than writing the record after commit, which loses it in
 * that window. The price is that a {@code pending} record may stand for a call that never took
 * effect; readers treat {@code pending} as "attempted, outcome unknown". If the record cannot
 * be written, the call is refused (503) rather than carried out unaudited.
 *
 * <p>The outcome is written off the request thread, so it does not delay the response: a writer
 * thread takes completions from a bounded queue and writes them in batches, one transaction per
 * batch. A full queue makes the caller write its own (back-pressure, nothing dropped); on shutdown
 * the queue is drained before the database goes away. A crash loses at most the queued outcomes,
 * whose records stay {@code pending}, which is exactly what a crash during the call would leave.
 */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    static final int MAX_ERROR = 1000;
    private static final int QUEUE = 10_000;
    private static final int BATCH = 256;

    private record Completion(String id, int status, String error, String targetType, String targetId, Instant at) {
    }

    private static final String INSERT = """
            insert into audit_log (id, organization_id, actor, user_id, api_key_id, action, http_method, path_pattern,
                path_variables, target_type, target_id, outcome, client_ip, user_agent, request_id, created_at)
            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    /** A handler-set target replaces the one derived from the path; only a pending record is completed. */
    private static final String COMPLETE = """
            update audit_log set outcome = ?, status_code = ?, error_message = ?, completed_at = ?,
                target_type = coalesce(?, target_type), target_id = coalesce(?, target_id)
            where id = ? and outcome = ?""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final BlockingQueue<Completion> completions = new ArrayBlockingQueue<>(QUEUE);
    private final Thread writer;
    private volatile boolean closing;

    public AuditTrail(JdbcTemplate jdbc, PlatformTransactionManager txManager, Clock clock) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
        this.writer = new Thread(this::writeCompletions, "audit-completions");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Inserts and commits a pending record; returns its id. */
    String begin(AuditStart start) {
        String id = UUID.randomUUID().toString();
        try {
            // one statement, committed on its own (autocommit): the cheapest durable write, on the request's path
            jdbc.update(INSERT, id, start.organizationId(), start.actor(), start.userId(), start.apiKeyId(),
                    start.action(), start.httpMethod(), start.pathPattern(), start.pathVariablesJson(),
                    start.targetType(), start.targetId(), AuditOutcome.PENDING.wireName(), start.clientIp(),
                    start.userAgent(), start.requestId(), utc(now()));
            return id;
        } catch (RuntimeException e) { // the insert or its commit: either way there is no record
            log.error("audit record for {} {} could not be written; refusing the call", start.httpMethod(),
                    start.pathPattern(), e);
            throw new UnavailableException("the audit log is unavailable, so the request was not carried out; retry later");
        }
    }

    /**
     * An action Berth took on its own (a lifecycle policy): one completed record with {@code actor} (e.g.
     * {@code policy:auto-stop}), no HTTP request behind it. {@code error} null means it succeeded.
     */
    public void recordAutomatic(String organizationId, String actor, String action, String targetType, String targetId,
            String error) {
        recordOutsideHttp(organizationId, actor, action, "(lifecycle policy)", targetType, targetId, null, error);
    }

    /**
     * An action that came in other than by HTTP (an SSH session: {@code via} says how, e.g. {@code (ssh)}), as one
     * completed record. {@code error} null means it succeeded.
     */
    public void recordOutsideHttp(String organizationId, String actor, String action, String via, String targetType,
            String targetId, String clientIp, String error) {
        var start = new AuditStart(organizationId, actor, null, null, action, "-", via, null,
                targetType, targetId, clientIp, null, null);
        try {
            complete(begin(start), error == null ? 200 : 500, error, targetType, targetId);
        } catch (RuntimeException e) {
            log.warn("audit record for {} of {} {} not written: {}", action, targetType, targetId, e.getMessage());
        }
    }

    /** Records the outcome (soon, off this thread); never throws, since the response is already on its way. */
    void complete(String id, int status, String error, String targetType, String targetId) {
        var c = new Completion(id, status, status >= 400 ? truncate(error, MAX_ERROR) : null, targetType, targetId, now());
        if (closing || !completions.offer(c)) {
            write(List.of(c));
        }
    }

    private void writeCompletions() {
        List<Completion> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                batch.add(completions.take());
            } catch (InterruptedException e) {
                return; // close() drains what is left
            }
            completions.drainTo(batch, BATCH - 1);
            write(batch);
            batch.clear();
        }
    }

    private void write(List<Completion> batch) {
        try {
            List<Object[]> rows = new ArrayList<>(batch.size());
            for (Completion c : batch) {
                rows.add(new Object[] {AuditOutcome.ofStatus(c.status()).wireName(), c.status(), c.error(), utc(c.at()),
                        c.targetType(), c.targetId(), c.id(), AuditOutcome.PENDING.wireName()});
            }
            tx.executeWithoutResult(s -> jdbc.batchUpdate(COMPLETE, rows, new int[] {Types.VARCHAR, Types.INTEGER,
                    Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                    Types.VARCHAR}));
        } catch (RuntimeException e) {
            log.warn("{} audit record(s) stay pending: their outcomes could not be written: {}", batch.size(),
                    e.getMessage());
        }
    }

    /** Stops the writer and writes what is still queued, before the database is closed. */
    @PreDestroy
    void close() throws InterruptedException {
        closing = true;
        writer.interrupt();
        writer.join(10_000);
        List<Completion> rest = new ArrayList<>();
        completions.drainTo(rest);
        for (int i = 0; i < rest.size(); i += BATCH) {
            write(rest.subList(i, Math.min(rest.size(), i + BATCH)));
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
