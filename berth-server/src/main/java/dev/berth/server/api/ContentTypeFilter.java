package dev.berth.server.api;

import dev.berth.core.error.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request body's Content-Type must be one concrete media type: a wildcard ({@code *}{@code /*}) or an unparseable
 * value is refused with 415 before anything reads the body (Spring would otherwise fail deep inside MVC with 500).
 */
@Component
@Order(2)
public class ContentTypeFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    public ContentTypeFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String value = req.getContentType();
        if (value != null && !value.isBlank() && req.getRequestURI().startsWith("/api/")) {
            String problem = null;
            try {
                MediaType type = MediaType.parseMediaType(value);
                if (type.isWildcardType() || type.isWildcardSubtype()) {
                    problem = "Content-Type '" + value + "' is a wildcard; name the body's type, e.g. application/json";
                }
            } catch (InvalidMediaTypeException e) {
                problem = "Content-Type '" + value + "' is not a valid media type; send e.g. application/json";
            }
            if (problem != null) {
                Problems.write(res, json, Problems.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, problem, RequestIds.current(req)));
                return;
            }
        }
        chain.doFilter(req, res);
    }
}
