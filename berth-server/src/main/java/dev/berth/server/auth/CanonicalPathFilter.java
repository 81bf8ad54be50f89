package dev.berth.server.auth;

import dev.berth.core.error.ErrorCode;
import dev.berth.server.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses (400) any request whose raw path is not in canonical form, before anything looks at it.
 * Spring matches routes on the path after stripping {@code ;params} and decoding each segment, while
 * filters see the raw URI; letting the two disagree is how {@code /api/toolbox;a/...} and
 * {@code /api/%74oolbox/...} once reached a handler by another rule than their route's. With this
 * filter first, the raw path and the matched path are the same string, so every later decision
 * (authentication, authorization, audit, rate limits) is made on what the handler serves.
 * No client needs the refused forms: ids and names never contain them.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class CanonicalPathFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    public CanonicalPathFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> problem = problem(req.getRequestURI());
        if (problem.isPresent()) {
            Problems.write(res, json, Problems.of(ErrorCode.INVALID_REQUEST,
                    "the request path is not in canonical form (" + problem.get() + "); send the plain path", null));
            return;
        }
        chain.doFilter(req, res);
    }

    /** Why the raw path is not canonical, or empty if it is. */
    static Optional<String> problem(String raw) {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            return Optional.of("it must start with '/'");
        }
        if (raw.indexOf(';') >= 0) {
            return Optional.of("';' path parameters");
        }
        if (raw.indexOf('\\') >= 0) {
            return Optional.of("a backslash");
        }
        if (raw.contains("//")) {
            return Optional.of("an empty segment '//'");
        }
        for (String seg : raw.split("/", -1)) {
            if (seg.equals(".") || seg.equals("..")) {
                return Optional.of("a '.' or '..' segment");
            }
        }
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0
                    || Character.digit(raw.charAt(i + 2), 16) < 0) {
                return Optional.of("a malformed percent-encoding");
            }
            char c = (char) Integer.parseInt(raw.substring(i + 1, i + 3), 16);
            if (unreserved(c) || c == '/' || c == '\\' || c == ';' || c == '%') {
                return Optional.of("a percent-encoded '" + c + "', which must be sent as itself");
            }
        }
        return Optional.empty();
    }

    /** RFC 3986 unreserved characters: encoding them changes nothing but the raw text. */
    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
