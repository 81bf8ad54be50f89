package dev.berth.server.audit;

import java.time.Instant;
import java.util.Map;

/** One audit record as the API shows it. */
public record AuditRecordDto(String id, String actor, String userId, String apiKeyId, String organizationId,
        String action, String method, String pathPattern, Map<String, String> pathVariables, String targetType,
        String targetId, String outcome, Integer statusCode, String errorMessage, String clientIp, String userAgent,
        String requestId, Instant createdAt, Instant completedAt) {
}
