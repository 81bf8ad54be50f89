package dev.berth.server.event;

import java.time.Instant;
import java.util.List;

/** An event row with its dispatch state, for the admin API. {@code payload} is the stored JSON text. */
record EventView(long id, String type, String aggregateType, String aggregateId, String organizationId,
        String payload, String state, Instant createdAt, int attempts, Instant nextAttemptAt, Instant processedAt,
        Instant parkedAt, String lastError, String claimedBy, Instant claimedUntil, List<Delivery> deliveries) {

    static String state(Instant processedAt, Instant parkedAt) {
        return processedAt != null ? "processed" : parkedAt != null ? "parked" : "pending";
    }
}
