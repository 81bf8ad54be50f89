package dev.berth.server.audit;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What a handler may add to its call's audit record. A create knows its target only once the
 * resource exists: {@code AuditContext.setTarget("sandbox", created.getId())}.
 */
public final class AuditContext {

    static final String TARGET_TYPE = AuditContext.class.getName() + ".targetType";
    static final String TARGET_ID = AuditContext.class.getName() + ".targetId";
    /** The problem detail of a failed call, captured as the error body is written. */
    static final String ERROR = AuditContext.class.getName() + ".error";
    /** The id of the call's audit record, kept across async dispatches. */
    static final String RECORD_ID = AuditContext.class.getName() + ".recordId";

    private AuditContext() {
    }

    /** Sets the target of the current request's record; does nothing outside a request. */
    public static void setTarget(String type, String id) {
        RequestAttributes attrs = RequestContextHolder.getRequestAttributes();
        if (attrs != null) {
            attrs.setAttribute(TARGET_TYPE, type, RequestAttributes.SCOPE_REQUEST);
            attrs.setAttribute(TARGET_ID, id, RequestAttributes.SCOPE_REQUEST);
        }
    }
}
