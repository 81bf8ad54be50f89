package dev.berth.server.audit;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What a handler may add to its call's audit record. A create knows its target only once the
 * resource exists: {@code AuditContext.setTarget(request, "sandbox", created.getId())}.
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

    public static void setTarget(HttpServletRequest request, String type, String id) {
        request.setAttribute(TARGET_TYPE, type);
        request.setAttribute(TARGET_ID, id);
    }

    /** The same for the current request thread; does nothing outside a request. */
    public static void setTarget(String type, String id) {
        RequestAttributes attrs = RequestContextHolder.getRequestAttributes();
        if (attrs != null) {
            attrs.setAttribute(TARGET_TYPE, type, RequestAttributes.SCOPE_REQUEST);
            attrs.setAttribute(TARGET_ID, id, RequestAttributes.SCOPE_REQUEST);
        }
    }

    /** Records why a call failed, for paths that write their error without a problem body (filters). */
    public static void setError(HttpServletRequest request, String message) {
        request.setAttribute(ERROR, message);
    }
}
