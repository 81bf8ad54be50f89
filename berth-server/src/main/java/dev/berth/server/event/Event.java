package dev.berth.server.event;

import java.time.Instant;

/**
 * A recorded domain event as handlers see it.
 *
 * @param payload  a JSON object (never env values or secrets)
 * @param attempts failed dispatch rounds so far
 */
public record Event(long id, String type, String aggregateType, String aggregateId, String organizationId,
        String payload, Instant createdAt, int attempts) {
}
