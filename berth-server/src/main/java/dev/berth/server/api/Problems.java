package dev.berth.server.api;

import dev.berth.core.error.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds RFC 7807 problem details that also carry the fields the Daytona SDK reads
 * ({@code message} as a string, {@code statusCode}, {@code code}, {@code error}).
 */
public final class Problems {

    public static final String TYPE_BASE = "https://berth.dev/problems/";

    private Problems() {
    }

    public static ProblemDetail of(ErrorCode code, String detail, String requestId) {
        HttpStatus status = HttpStatus.valueOf(code.httpStatus());
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(TYPE_BASE + code.name().toLowerCase().replace('_', '-')));
        pd.setTitle(status.getReasonPhrase());
        pd.setProperty("code", code.name());
        pd.setProperty("message", detail);
        pd.setProperty("statusCode", status.value());
        pd.setProperty("error", status.getReasonPhrase());
        pd.setProperty("source", "DAYTONA_API");
        if (requestId != null) {
            pd.setProperty("requestId", requestId);
            pd.setProperty("traceId", requestId);
        }
        return pd;
    }

    /** Writes the problem as the whole response, with its status, for code paths outside Spring MVC (filters). */
    public static void write(HttpServletResponse res, JsonMapper json,
            ProblemDetail pd) throws IOException {
        res.setStatus(pd.getStatus());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        res.getOutputStream().write(json.writeValueAsBytes(asMap(pd)));
    }

    /** The same problem as a plain map, for code paths outside Spring MVC (filters). */
    public static Map<String, Object> asMap(ProblemDetail pd) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", pd.getType().toString());
        m.put("title", pd.getTitle());
        m.put("status", pd.getStatus());
        m.put("detail", pd.getDetail());
        if (pd.getProperties() != null) {
            m.putAll(pd.getProperties());
        }
        return m;
    }
}
