package dev.berth.server.audit;

import dev.berth.core.error.UnavailableException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
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
 */
@Component
public class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    static final int MAX_ERROR = 1000;

    private final AuditRecordRepository records;
    private final TransactionTemplate tx;
    private final Clock clock;

    public AuditTrail(AuditRecordRepository records, PlatformTransactionManager txManager, Clock clock) {
        this.records = records;
        this.tx = new TransactionTemplate(txManager);
        this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    /** Inserts and commits a pending record; returns its id. */
    String begin(AuditStart start) {
        String id = UUID.randomUUID().toString();
        try {
            tx.executeWithoutResult(s -> records.save(new AuditRecord(id, start, now())));
            return id;
        } catch (DataAccessException e) {
            log.error("audit record for {} {} could not be written; refusing the call", start.httpMethod(),
                    start.pathPattern(), e);
            throw new UnavailableException("the audit log is unavailable, so the request was not carried out; retry later");
        }
    }

    /** Records the outcome; never throws, since the response is already on its way. */
    void complete(String id, int status, String error, String targetType, String targetId) {
        try {
            tx.executeWithoutResult(s -> records.complete(id, AuditOutcome.ofStatus(status), status,
                    status >= 400 ? truncate(error, MAX_ERROR) : null, now(), targetType, targetId,
                    AuditOutcome.PENDING));
        } catch (RuntimeException e) {
            log.warn("audit record {} stays pending: its outcome ({}) could not be written: {}", id, status,
                    e.getMessage());
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
