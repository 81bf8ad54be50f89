package dev.berth.server.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One audited API call. Holds who, what (method, path pattern, path variables, action, target),
 * how it ended and from where; never bodies, query strings or credentials.
 */
@Entity
@Table(name = "audit_log")
public class AuditRecord {

    @Id
    private String id;

    @Column(name = "organization_id")
    private String organizationId;

    @Column(nullable = false)
    private String actor;

    @Column(name = "user_id")
    private String userId;

    @Column(name = "api_key_id")
    private String apiKeyId;

    @Column(nullable = false)
    private String action;

    @Column(name = "http_method", nullable = false)
    private String httpMethod;

    @Column(name = "path_pattern", nullable = false)
    private String pathPattern;

    @Column(name = "path_variables")
    private String pathVariables;

    @Column(name = "target_type")
    private String targetType;

    @Column(name = "target_id")
    private String targetId;

    @Convert(converter = AuditOutcome.JpaConverter.class)
    @Column(nullable = false)
    private AuditOutcome outcome;

    @Column(name = "status_code")
    private Integer statusCode;

    @Column(name = "error_message")
    private String errorMessage;

    @Column(name = "client_ip")
    private String clientIp;

    @Column(name = "user_agent")
    private String userAgent;

    @Column(name = "request_id")
    private String requestId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    protected AuditRecord() {
    }

    public String getId() { return id; }
    public String getOrganizationId() { return organizationId; }
    public String getActor() { return actor; }
    public String getUserId() { return userId; }
    public String getApiKeyId() { return apiKeyId; }
    public String getAction() { return action; }
    public String getHttpMethod() { return httpMethod; }
    public String getPathPattern() { return pathPattern; }
    public String getPathVariables() { return pathVariables; }
    public String getTargetType() { return targetType; }
    public String getTargetId() { return targetId; }
    public AuditOutcome getOutcome() { return outcome; }
    public Integer getStatusCode() { return statusCode; }
    public String getErrorMessage() { return errorMessage; }
    public String getClientIp() { return clientIp; }
    public String getUserAgent() { return userAgent; }
    public String getRequestId() { return requestId; }
    public Instant getCreatedAt() { return createdAt; }
    public Instant getCompletedAt() { return completedAt; }
}
