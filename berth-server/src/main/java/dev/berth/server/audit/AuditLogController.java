package dev.berth.server.audit;

import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/audit-logs}: the caller's organization's audit records, newest first. */
@RestController
public class AuditLogController {

    private final AuditQuery query;
    private final JsonMapper json;

    public AuditLogController(AuditQuery query, JsonMapper json) {
        this.query = query;
        this.json = json;
    }

    public record ListResponse(List<AuditRecordDto> items, String nextCursor) {
    }

    @GetMapping("/api/audit-logs")
    @RequiresPermission(Permission.READ_AUDIT_LOGS)
    public ListResponse list(Caller caller,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(required = false) String action,
            @RequestParam(required = false) String targetType,
            @RequestParam(required = false) String targetId) {
        if (!caller.has(Permission.READ_AUDIT_LOGS)) { // also checked here: the organization scope below relies on it
            throw new ForbiddenException("reading audit logs requires the '"
                    + Permission.READ_AUDIT_LOGS.wireName() + "' permission");
        }
        var filter = new AuditFilter(instant("from", from), instant("to", to), action, targetType, targetId);
        var page = query.list(caller.organizationId(), filter, limit, cursor);
        return new ListResponse(page.items().stream().map(this::toDto).toList(), page.nextCursor());
    }

    private AuditRecordDto toDto(AuditRecord r) {
        Map<String, String> vars = r.getPathVariables() == null ? Map.of()
                : json.readValue(r.getPathVariables(), new TypeReference<Map<String, String>>() {
                });
        return new AuditRecordDto(r.getId(), r.getActor(), r.getUserId(), r.getApiKeyId(), r.getOrganizationId(),
                r.getAction(), r.getHttpMethod(), r.getPathPattern(), vars, r.getTargetType(), r.getTargetId(),
                r.getOutcome().wireName(), r.getStatusCode(), r.getErrorMessage(), r.getClientIp(), r.getUserAgent(),
                r.getRequestId(), r.getCreatedAt(), r.getCompletedAt());
    }

    static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("'" + name + "' must be an ISO-8601 time such as 2025-01-31T12:00:00Z, got '"
                    + value + "'");
        }
    }
}
