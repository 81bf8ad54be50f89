package dev.berth.server.toolbox;

import dev.berth.runner.agent.AgentException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Toolbox errors in the daemon's {@code ErrorResponse} shape, with {@code source: "DAYTONA_DAEMON"}
 * so the SDK raises its typed errors (DaytonaFileNotFoundError, ...). Also RFC 7807 fields.
 */
@RestControllerAdvice(basePackages = "dev.berth.server.toolbox")
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ToolboxProblemHandler {

    @ExceptionHandler(ToolboxException.class)
    ResponseEntity<Map<String, Object>> toolbox(ToolboxException e, HttpServletRequest req) {
        return respond(e, req);
    }

    @ExceptionHandler(AgentException.class)
    ResponseEntity<Map<String, Object>> agent(AgentException e, HttpServletRequest req) {
        return respond(AgentErrors.translate(e), req);
    }

    /** The response for {@code e}: its status and code come from its {@link ToolboxError}, here and nowhere else. */
    public static ResponseEntity<Map<String, Object>> respond(ToolboxException e, HttpServletRequest req) {
        int status = e.status();
        String code = e.code();
        String message = e.getMessage();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("statusCode", status);
        body.put("message", message);
        body.put("code", code);
        body.put("source", "DAYTONA_DAEMON");
        body.put("path", req.getRequestURI());
        body.put("method", req.getMethod());
        body.put("timestamp", Instant.now().toString());
        body.put("type", "https://berth.dev/problems/toolbox-" + code.toLowerCase().replace('_', '-'));
        body.put("title", code);
        body.put("status", status);
        body.put("detail", message);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
