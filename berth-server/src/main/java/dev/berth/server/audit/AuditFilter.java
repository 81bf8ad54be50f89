package dev.berth.server.audit;

import java.time.Instant;

/**
 * Which records to list; null fields do not filter.
 *
 * @param from inclusive lower bound on the record's time
 * @param to   exclusive upper bound on the record's time
 */
record AuditFilter(Instant from, Instant to, String action, String targetType, String targetId) {
}
