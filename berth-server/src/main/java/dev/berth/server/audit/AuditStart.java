package dev.berth.server.audit;

/**
 * What is known about an audited call before its handler runs. Built only from the caller,
 * the matched route and connection facts: no body, query string or credential.
 */
record AuditStart(String organizationId, String actor, String userId, String apiKeyId, String action,
        String httpMethod, String pathPattern, String pathVariablesJson, String targetType, String targetId,
        String clientIp, String userAgent, String requestId) {
}
