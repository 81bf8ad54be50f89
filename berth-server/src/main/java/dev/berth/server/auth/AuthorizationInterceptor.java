package dev.berth.server.auth;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.UnauthorizedException;
import dev.berth.server.api.Problems;
import dev.berth.server.api.RequestIds;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enforces each handler's declared access ({@link Access} or {@link RequiresPermission}) on the
 * matched route; an undeclared handler is refused. The same rule applies to controller methods and
 * to WebSocket handshakes (the declaration sits on the {@code WebSocketHandler} class), so an
 * upgrade is authorized exactly like the HTTP call it starts. Registered on every handler mapping
 * that serves /api (see {@code AuthorizationWebConfig}, {@code ToolboxSocketConfig}, {@code SocketIoConfig}).
 */
@Component
public class AuthorizationInterceptor implements HandlerInterceptor {

    /** A handler's declared rule, looked up by reflection once per handler method. */
    private record Rule(RequiresPermission perm, Access access) {
    }

    private final Map<Object, Rule> rules = new ConcurrentHashMap<>();

    private final JsonMapper json;

    public AuthorizationInterceptor(JsonMapper json) {
        this.json = json;
    }

    @Override
    public boolean preHandle(HttpServletRequest req, HttpServletResponse res, Object handler) throws IOException {
        try {
            return check(req, handler);
        } catch (BerthException e) {
            if (handler instanceof HandlerMethod) {
                throw e; // the controllers' exception handlers answer it
            }
            // no controller advice applies to a WebSocket handshake handler: answer the refusal here
            Problems.write(res, json, Problems.of(e.code(), e.getMessage(),
                    RequestIds.current(req)));
            return false;
        }
    }

    private boolean check(HttpServletRequest req, Object handler) {
        if (!req.getRequestURI().startsWith("/api/") || handler instanceof ResourceHttpRequestHandler) {
            return true; // framework endpoints (error pages); no route matched (a 404 follows)
        }
        Caller caller = (Caller) req.getAttribute(Caller.REQUEST_ATTRIBUTE);
        Rule rule = rule(handler);
        RequiresPermission perm = rule.perm();
        Access access = rule.access();
        if (perm == null && access == null) {
            throw new ForbiddenException("endpoint " + req.getRequestURI() + " declares no access rule; refused");
        }
        if (access != null && access.value() == Access.Level.PUBLIC) {
            return true;
        }
        if (access != null && access.value() == Access.Level.RUNNER) {
            if (req.getAttribute(RunnerPrincipal.REQUEST_ATTRIBUTE) == null) {
                throw new UnauthorizedException("runner-protocol calls need a runner token");
            }
            return true;
        }
        if (caller == null) {
            throw new UnauthorizedException("this endpoint requires an API key or a token");
        }
        if (caller.signedUrl() != null) {
            checkSigned(req, handler, caller.signedUrl());
            return true;
        }
        if (access != null && access.value() == Access.Level.ANY_USER) {
            return true;
        }
        if (access != null && access.value() == Access.Level.SYSTEM_ADMIN) {
            if (!caller.systemAdmin()) {
                throw new ForbiddenException("only system administrators may call " + req.getRequestURI());
            }
            return true;
        }
        if (caller.organizationId() == null) {
            throw new InvalidRequestException("choose an organization with the X-Daytona-Organization-ID header");
        }
        if (perm != null) {
            for (Permission p : perm.value()) {
                if (!caller.has(p)) {
                    throw new ForbiddenException("this call needs the '" + p.wireName() + "' permission, which the "
                            + (caller.apiKeyId() != null ? "API key" : "user") + " does not have");
                }
            }
        }
        return true;
    }

    /**
     * A signed link reaches only a handler marked {@link SignedUrlAccess}, with its own method, sandbox and
     * {@code path} parameter exactly as the handler will read them (one value; the filter verified the same string).
     */
    private static void checkSigned(HttpServletRequest req, Object handler, SignedUrlGrant grant) {
        if (!(handler instanceof HandlerMethod hm) || !hm.hasMethodAnnotation(SignedUrlAccess.class)) {
            throw new ForbiddenException("a signed file link authorizes only a file download or upload; "
                    + req.getRequestURI() + " needs an API key or a token");
        }
        Object vars = req.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        Object sandbox = vars instanceof Map<?, ?> m ? m.get("sandboxId") : null;
        String[] paths = req.getParameterValues("path");
        if (!grant.method().equals(req.getMethod()) || !grant.sandboxId().equals(sandbox) || paths == null
                || paths.length != 1 || !grant.path().equals(paths[0])) {
            throw new ForbiddenException("this signed file link authorizes " + grant.method() + " of path '"
                    + grant.path() + "' in sandbox " + grant.sandboxId() + " only");
        }
    }

    /** The declared rule of a controller method or a WebSocket handler; none for anything else (refused). */
    private Rule rule(Object handler) {
        if (handler instanceof HandlerMethod hm) {
            return rules.computeIfAbsent(hm.getMethod(),
                    m -> new Rule(find(hm, RequiresPermission.class), find(hm, Access.class)));
        }
        if (handler instanceof WebSocketHttpRequestHandler ws) {
            Class<?> type = WebSocketHandlerDecorator.unwrap(ws.getWebSocketHandler()).getClass();
            return rules.computeIfAbsent(type, t -> new Rule(
                    AnnotatedElementUtils.findMergedAnnotation(type, RequiresPermission.class),
                    AnnotatedElementUtils.findMergedAnnotation(type, Access.class)));
        }
        return new Rule(null, null);
    }

    private static <A extends Annotation> A find(HandlerMethod hm, Class<A> type) {
        A onMethod = AnnotatedElementUtils.findMergedAnnotation(hm.getMethod(), type);
        return onMethod != null ? onMethod : AnnotatedElementUtils.findMergedAnnotation(hm.getBeanType(), type);
    }
}
