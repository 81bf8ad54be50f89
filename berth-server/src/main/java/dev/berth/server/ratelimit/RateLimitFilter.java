package dev.berth.server.ratelimit;

import dev.berth.core.error.ErrorCode;
import dev.berth.server.api.Problems;
import dev.berth.server.api.RequestIds;
import dev.berth.server.auth.Caller;
import io.github.bucket4j.TimeMeter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs right after authentication: an authenticated /api request over its key's or its
 * organization's rate is answered 429 with Retry-After (seconds, rounded up) and a problem that
 * names the limit. Requests without a caller (health, config, non-API paths) are not limited.
 * Refused requests are not audited: writing a row per refusal would hand the flood to the
 * database.
 */
@Component
@Order(2)
public class RateLimitFilter extends OncePerRequestFilter {

    private final RateLimitProperties props;
    private final RateLimiter limiter;
    private final JsonMapper json;

    public RateLimitFilter(RateLimitProperties props, JsonMapper json) {
        this.props = props;
        this.limiter = new RateLimiter(props, TimeMeter.SYSTEM_NANOTIME);
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        Caller caller = (Caller) req.getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (!props.enabled() || caller == null) {
            chain.doFilter(req, res);
            return;
        }
        RateLimitDecision d = limiter.tryAcquire(caller.apiKeyId(), caller.userId(), caller.organizationId());
        if (d.allowed()) {
            chain.doFilter(req, res);
            return;
        }
        var pd = Problems.of(ErrorCode.QUOTA_EXCEEDED, d.message(), RequestIds.current(req));
        pd.setProperty("limit", d.scope().name().toLowerCase(Locale.ROOT));
        res.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(d.retryAfterSeconds()));
        Problems.write(res, json, pd);
    }
}
