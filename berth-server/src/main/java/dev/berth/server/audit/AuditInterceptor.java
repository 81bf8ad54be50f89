package dev.berth.server.audit;

import dev.berth.server.api.RequestIds;
import dev.berth.server.auth.Caller;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.AsyncHandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import tools.jackson.databind.json.JsonMapper;

/**
 * Audits every mutating /api call and every toolbox call: a pending record before the handler
 * runs, the outcome after it completed (see {@link AuditTrail} for why in that order).
 *
 * <p>Reads only the caller, the matched route pattern and its path variables; never the body,
 * query string or headers (the user agent aside). It wraps nothing, so WebSocket upgrades and
 * streamed responses pass untouched: an async call's record is completed on the async dispatch
 * that ends it, and a WebSocket handshake's records the 101.
 */
class AuditInterceptor implements AsyncHandlerInterceptor {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");
    private static final int MAX_VALUE = 255;

    private final AuditTrail trail;
    private final JsonMapper json;
    private final Predicate<String> organizationExists;

    AuditInterceptor(AuditTrail trail, JsonMapper json, Predicate<String> organizationExists) {
        this.trail = trail;
        this.json = json;
        this.organizationExists = organizationExists;
    }

    static boolean audited(String method, String uri) {
        return uri.startsWith("/api/") && (MUTATING.contains(method)
                || uri.startsWith("/api/toolbox/") && !method.equals("OPTIONS"));
    }

    @Override
    public boolean preHandle(HttpServletRequest req, HttpServletResponse res, Object handler) {
        // async re-dispatches belong to a call whose record exists; error dispatches are not calls
        if (req.getDispatcherType() != DispatcherType.REQUEST || !audited(req.getMethod(), req.getRequestURI())) {
            return true;
        }
        Caller caller = (Caller) req.getAttribute(Caller.REQUEST_ATTRIBUTE);
        Object patternAttr = req.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (caller == null || patternAttr == null || patternAttr.toString().contains("**")) {
            return true; // public, or no route matched (answered 404 without touching anything)
        }
        String pattern = patternAttr.toString();
        Map<String, String> vars = pathVariables(req);
        AuditAction named = handler instanceof HandlerMethod hm ? hm.getMethodAnnotation(AuditAction.class) : null;
        String action = named != null ? named.value() : ActionNames.action(req.getMethod(), pattern);
        String targetType = named != null && !named.targetType().isEmpty() ? named.targetType()
                : ActionNames.targetType(pattern);
        // a call on an organization's own routes belongs in that organization's log (a user's token may address
        // any organization it is a member of, and a refused attempt on a foreign one is that one's history)
        String pathOrg = vars.get("orgId");
        // only an organization that exists gets the record: made-up ids would pile up records nobody can read
        String organization = pathOrg != null && pathOrg.length() <= 36 && organizationExists.test(pathOrg) ? pathOrg
                : caller.organizationId();
        String recordId = trail.begin(new AuditStart(organization, caller.actor(), caller.userId(),
                caller.apiKeyId(), action, req.getMethod(), pattern, vars.isEmpty() ? null : json.writeValueAsString(vars),
                targetType, firstVariable(pattern, req.getRequestURI(), vars), req.getRemoteAddr(),
                AuditTrail.truncate(req.getHeader("User-Agent"), 512), RequestIds.current(req)));
        req.setAttribute(AuditContext.RECORD_ID, recordId);
        return true;
    }

    @Override
    public void afterCompletion(HttpServletRequest req, HttpServletResponse res, Object handler, Exception ex) {
        Object recordId = req.getAttribute(AuditContext.RECORD_ID);
        if (recordId == null) {
            return;
        }
        req.removeAttribute(AuditContext.RECORD_ID);
        int status = ex != null && res.getStatus() < 400 ? 500 : res.getStatus();
        trail.complete(recordId.toString(), status, errorMessage(req, status),
                (String) req.getAttribute(AuditContext.TARGET_TYPE),
                AuditTrail.truncate((String) req.getAttribute(AuditContext.TARGET_ID), MAX_VALUE));
    }

    private static String errorMessage(HttpServletRequest req, int status) {
        if (status < 400) {
            return null;
        }
        Object captured = req.getAttribute(AuditContext.ERROR);
        if (captured != null) {
            return captured.toString();
        }
        HttpStatus known = HttpStatus.resolve(status);
        return known != null ? known.getReasonPhrase() : "HTTP " + status;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> pathVariables(HttpServletRequest req) {
        Object raw = req.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        Map<String, String> out = new LinkedHashMap<>();
        if (raw instanceof Map<?, ?> m) {
            ((Map<String, String>) m).forEach((k, v) -> out.put(k, AuditTrail.truncate(v, MAX_VALUE)));
        }
        return out;
    }

    /**
     * The value of the route's first variable: {@code {idOrName}} or {@code {sandboxId}} on our
     * routes, or what a {@code *} stands for in URL-mapped routes (the toolbox WebSockets).
     */
    static String firstVariable(String pattern, String uri, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(pattern);
        if (m.find()) {
            String name = m.group(1).split(":", 2)[0]; // {name:regex}, {*rest}
            return vars.get(name.startsWith("*") ? name.substring(1) : name);
        }
        String[] p = pattern.split("/");
        String[] u = uri.split("/");
        for (int i = 0; i < p.length && i < u.length; i++) {
            if (p[i].equals("*")) {
                return AuditTrail.truncate(u[i], MAX_VALUE);
            }
        }
        return null;
    }
}
