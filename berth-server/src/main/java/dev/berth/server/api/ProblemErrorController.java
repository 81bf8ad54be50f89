package dev.berth.server.api;

import dev.berth.core.error.ErrorCode;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Arrays;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page (errors raised outside a controller, e.g. in a filter) as problem JSON with the
 * original status, instead of Spring Boot's default body. Requested directly, {@code /error} is not an endpoint: 404.
 * It needs no access declaration: it is outside /api, where the authorization interceptor does not run (and api
 * stays below auth, which writes its refusals with {@link Problems}).
 */
@RestController
public class ProblemErrorController implements ErrorController {

    @RequestMapping("/error")
    public ResponseEntity<Object> error(HttpServletRequest req) {
        Object status = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(status instanceof Integer code) || req.getDispatcherType() != DispatcherType.ERROR) {
            return respond(ErrorCode.NOT_FOUND, 404, "no such endpoint: " + req.getMethod() + " /error", req);
        }
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String where = uri == null ? "this request" : req.getMethod() + " " + uri;
        ErrorCode ec = Arrays.stream(ErrorCode.values()).filter(c -> c.httpStatus() == code).findFirst()
                .orElse(code >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_REQUEST);
        String detail = code >= 500 ? "internal error on " + where + "; see the server log for request "
                + RequestIds.current(req) : "the request " + where + " was refused (HTTP " + code + ")";
        return respond(ec, code, detail, req);
    }

    private static ResponseEntity<Object> respond(ErrorCode code, int status, String detail, HttpServletRequest req) {
        var body = Problems.of(code, detail, RequestIds.current(req));
        body.setStatus(status);
        body.setProperty("statusCode", status);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }
}
