package dev.berth.server.api;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorCode;
import dev.berth.runner.agent.RequestTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.stream.Collectors;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.DatabindException;

/** The one place that turns exceptions into problem responses. */
@RestControllerAdvice
public class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(BerthException.class)
    ResponseEntity<Object> berth(BerthException e, HttpServletRequest req) {
        if (e.code() == ErrorCode.ENGINE_FAILURE) {
            log.warn("{} {}: {}", req.getMethod(), req.getRequestURI(), e.getMessage());
        }
        return respond(e.code(), e.getMessage(), req);
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Object> unreadable(HttpMessageNotReadableException e, HttpServletRequest req) {
        String cause = e.getMostSpecificCause().getMessage();
        if (cause != null) {
            int nl = cause.indexOf('\n');
            cause = nl > 0 ? cause.substring(0, nl) : cause;
        }
        String field = "";
        if (e.getMostSpecificCause() instanceof DatabindException de && !de.getPath().isEmpty()) {
            field = " (field '" + de.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining(".")) + "')";
        }
        return respond(ErrorCode.INVALID_REQUEST, "request body is not valid JSON for this endpoint" + field + ": "
                + (cause == null ? "unreadable body" : cause), req);
    }

    @ExceptionHandler(RequestTooLargeException.class)
    ResponseEntity<Object> tooLarge(RequestTooLargeException e, HttpServletRequest req) {
        return respond(ErrorCode.PAYLOAD_TOO_LARGE, e.getMessage(), req);
    }

    /** A query parameter that is not valid percent-encoded UTF-8 (Tomcat refuses to decode it). */
    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<Object> badParameter(InvalidParameterException e, HttpServletRequest req) {
        return respond(ErrorCode.INVALID_REQUEST, "a query parameter is not valid percent-encoded UTF-8; encode "
                + "parameters as UTF-8 (e.g. %C3%A9, not %E9)", req);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> mismatch(MethodArgumentTypeMismatchException e, HttpServletRequest req) {
        return respond(ErrorCode.INVALID_REQUEST,
                "parameter '" + e.getName() + "' has an invalid value '" + e.getValue() + "'", req);
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Object> missing(MissingServletRequestParameterException e, HttpServletRequest req) {
        return respond(ErrorCode.INVALID_REQUEST, "query parameter '" + e.getParameterName() + "' is required", req);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Object> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest req) {
        return respond(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json (got " + e.getContentType()
                + ")", req);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Object> method(HttpRequestMethodNotSupportedException e, HttpServletRequest req) {
        return ResponseEntity.status(405).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(ErrorCode.INVALID_REQUEST, req.getMethod() + " is not supported on " + req.getRequestURI(),
                        RequestIds.current(req)));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Object> noRoute(NoResourceFoundException e, HttpServletRequest req) {
        return respond(ErrorCode.NOT_FOUND, "no such endpoint: " + req.getMethod() + " " + req.getRequestURI(), req);
    }

    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<Object> stale(OptimisticLockingFailureException e, HttpServletRequest req) {
        return respond(ErrorCode.CONFLICT, "the resource was changed concurrently; retry the request", req);
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> integrity(DataIntegrityViolationException e, HttpServletRequest req) {
        log.info("integrity violation on {} {}: {}", req.getMethod(), req.getRequestURI(), e.getMostSpecificCause().getMessage());
        return respond(ErrorCode.CONFLICT, "the request conflicts with an existing resource", req);
    }

    /**
     * The client went away mid-response (a cancelled download): nothing can be answered and nothing went wrong on
     * our side, so one debug line instead of an error with a stack trace per disconnect (a client could flood the log).
     */
    @ExceptionHandler({ClientAbortException.class,
            AsyncRequestNotUsableException.class})
    void clientGone(Exception e, HttpServletRequest req) {
        log.debug("client disconnected during {} {}: {}", req.getMethod(), req.getRequestURI(), e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unknown(Exception e, HttpServletRequest req) {
        log.error("unhandled error on {} {}", req.getMethod(), req.getRequestURI(), e);
        return respond(ErrorCode.INTERNAL, "internal error; see the server log for request " + RequestIds.current(req),
                req);
    }

    private static ResponseEntity<Object> respond(ErrorCode code, String detail, HttpServletRequest req) {
        return ResponseEntity.status(code.httpStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(code, detail, RequestIds.current(req)));
    }
}
