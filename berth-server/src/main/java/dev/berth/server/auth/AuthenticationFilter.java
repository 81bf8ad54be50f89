package dev.berth.server.auth;

import dev.berth.core.error.ErrorCode;
import dev.berth.server.api.Problems;
import dev.berth.server.api.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.MDC;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every /api request by its Bearer API key (compared by SHA-256 hash) and stamps
 * a request id. Public paths: health and config.
 */
@Component
@Order(1)
public class AuthenticationFilter extends OncePerRequestFilter {

    private static final Set<String> PUBLIC = Set.of("/api/health", "/api/config");
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final ApiKeyRepository keys;
    private final JsonMapper json;
    private final Clock clock;
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();

    public AuthenticationFilter(ApiKeyRepository keys, JsonMapper json, Clock clock) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String requestId = Optional.ofNullable(req.getHeader(RequestIds.HEADER))
                .filter(h -> h.length() <= 64 && h.matches("[A-Za-z0-9._-]+"))
                .orElseGet(() -> UUID.randomUUID().toString());
        req.setAttribute(RequestIds.ATTRIBUTE, requestId);
        res.setHeader(RequestIds.HEADER, requestId);
        MDC.put("request.id", requestId);
        try {
            String path = req.getRequestURI();
            if (!path.startsWith("/api/") || PUBLIC.contains(path)) {
                chain.doFilter(req, res);
                return;
            }
            Optional<Caller> caller = authenticate(req.getHeader("Authorization"));
            if (caller.isEmpty()) {
                reject(res, requestId);
                return;
            }
            req.setAttribute(Caller.REQUEST_ATTRIBUTE, caller.get());
            MDC.put("org.id", caller.get().organizationId());
            chain.doFilter(req, res);
        } finally {
            MDC.remove("request.id");
            MDC.remove("org.id");
        }
    }

    private Optional<Caller> authenticate(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        if (token.isEmpty() || token.length() > 512) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return keys.findByKeyHash(ApiKeys.sha256(token))
                .filter(k -> !k.isExpired(now))
                .map(k -> {
                    touch(k.getId(), now);
                    return new Caller(null, k.getOrganizationId(), k.getId(), k.getKeyPrefix(), k.getKeySuffix(),
                            k.isSystemAdmin(), Permission.all());
                });
    }

    private void touch(String keyId, Instant now) {
        Instant last = lastTouched.get(keyId);
        if (last == null || Duration.between(last, now).compareTo(TOUCH_EVERY) >= 0) {
            lastTouched.put(keyId, now);
            keys.touch(keyId, now);
        }
    }

    private void reject(HttpServletResponse res, String requestId) throws IOException {
        var pd = Problems.of(ErrorCode.UNAUTHORIZED,
                "missing or invalid API key; send 'Authorization: Bearer <api key>'", requestId);
        res.setStatus(401);
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        res.getOutputStream().write(json.writeValueAsBytes(Problems.asMap(pd)));
    }
}
