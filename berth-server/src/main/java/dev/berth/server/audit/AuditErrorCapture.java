package dev.berth.server.audit;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Keeps the {@code detail} of an error body for the audit record of the call, so the record says
 * what the caller was told. Covers both error shapes: problem details and the toolbox's daemon
 * errors (maps with {@code detail}/{@code message}). The body itself passes unchanged.
 */
@ControllerAdvice
class AuditErrorCapture implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
            Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
            ServerHttpResponse response) {
        if (request instanceof ServletServerHttpRequest servlet) {
            HttpServletRequest req = servlet.getServletRequest();
            if (req.getAttribute(AuditContext.RECORD_ID) != null) {
                String detail = detail(body);
                if (detail != null) {
                    req.setAttribute(AuditContext.ERROR, detail);
                }
            }
        }
        return body;
    }

    static String detail(Object body) {
        if (body instanceof ProblemDetail pd) {
            return pd.getStatus() >= 400 ? pd.getDetail() : null;
        }
        if (body instanceof Map<?, ?> map && (isError(map.get("status")) || isError(map.get("statusCode")))) {
            Object detail = map.get("detail") != null ? map.get("detail") : map.get("message");
            return detail == null ? null : detail.toString();
        }
        return null;
    }

    private static boolean isError(Object status) {
        return status instanceof Number n && n.intValue() >= 400;
    }
}
