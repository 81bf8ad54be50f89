package dev.berth.server.auth;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ErrorCode;
import dev.berth.server.api.Problems;
import dev.berth.server.api.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every /api request by its Bearer API key (compared by SHA-256 hash), or a signed file URL by its
 * signature ({@link SignedFileUrls}), and stamps a request id. Public paths: health and config, and the Socket.IO upgrade (its token comes in the
 * Socket.IO CONNECT packet; see {@code dev.berth.server.event.stream.SocketIoConnection}).
 */
@Component
@Order(1)
public class AuthenticationFilter extends OncePerRequestFilter {

    private static final Set<String> PUBLIC = Set.of("/api/health", "/api/config", "/api/socket.io/",
            "/api/socket.io");

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]+");

    static final String ORGANIZATION_HEADER = "X-Daytona-Organization-ID";

    private final Authenticator authenticator;
    private final JsonMapper json;
    private final RunnerCredentials runnerCredentials;
    private final SignedFileUrls signedUrls;

    public AuthenticationFilter(Authenticator authenticator, JsonMapper json, RunnerCredentials runnerCredentials,
            SignedFileUrls signedUrls) {
        this.runnerCredentials = runnerCredentials;
        this.signedUrls = signedUrls;
        this.authenticator = authenticator;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        String requestId = Optional.ofNullable(req.getHeader(RequestIds.HEADER))
                .filter(h -> h.length() <= 64 && REQUEST_ID.matcher(h).matches())
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
            if (path.startsWith("/api/runner/")) {
                Optional<String> runnerId = runnerCredentials.authenticate(req.getHeader("Authorization"));
                if (runnerId.isEmpty()) {
                    reject(res, requestId, ErrorCode.UNAUTHORIZED, "missing or invalid runner token");
                    return;
                }
                req.setAttribute(RunnerPrincipal.REQUEST_ATTRIBUTE, new RunnerPrincipal(runnerId.get()));
                MDC.put("runner.id", runnerId.get());
                chain.doFilter(req, res);
                return;
            }
            if (signedUrls.applies(req)) {
                authenticateSigned(req, res, chain, requestId);
                return;
            }
            Optional<Caller> caller = authenticate(req);
            if (caller.isEmpty()) {
                reject(res, requestId, ErrorCode.UNAUTHORIZED,
                        "missing or invalid API key; send 'Authorization: Bearer <api key>'");
                return;
            }
            String orgHeader = req.getHeader(ORGANIZATION_HEADER);
            if (caller.get().apiKeyId() != null && orgHeader != null && !orgHeader.isBlank()
                    && !orgHeader.equals(caller.get().organizationId())) {
                // a key is bound to its organization; naming another one is refused, never ignored or honoured
                reject(res, requestId, ErrorCode.FORBIDDEN, "this API key belongs to another organization than the "
                        + ORGANIZATION_HEADER + " header names; an API key acts only in its own organization");
                return;
            }
            req.setAttribute(Caller.REQUEST_ATTRIBUTE, caller.get());
            MDC.put("org.id", caller.get().organizationId());
            chain.doFilter(req, res);
        } finally {
            MDC.remove("request.id");
            MDC.remove("org.id");
            MDC.remove("runner.id");
        }
    }

    /** A signed file URL: its signature is the only credential (a bearer token too would make two). */
    private void authenticateSigned(HttpServletRequest req, HttpServletResponse res, FilterChain chain,
            String requestId) throws ServletException, IOException {
        if (req.getHeader("Authorization") != null) {
            reject(res, requestId, ErrorCode.INVALID_REQUEST, "send either an Authorization header or a signed link's "
                    + "'expires' and 'signature' parameters, not both");
            return;
        }
        Caller caller;
        try {
            caller = signedUrls.verify(req);
        } catch (BerthException e) {
            reject(res, requestId, e.code(), e.getMessage());
            return;
        }
        req.setAttribute(Caller.REQUEST_ATTRIBUTE, caller);
        MDC.put("org.id", caller.organizationId());
        chain.doFilter(req, res);
    }

    private Optional<Caller> authenticate(HttpServletRequest req) {
        String header = req.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return authenticator.authenticate(header.substring(7).trim(), req.getHeader(ORGANIZATION_HEADER));
    }

    private void reject(HttpServletResponse res, String requestId, ErrorCode code, String message) throws IOException {
        Problems.write(res, json, Problems.of(code, message, requestId));
    }
}
