package dev.berth.server.preview;

import dev.berth.server.config.PreviewProperties;
import dev.berth.server.sandbox.ActivityTracker;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Routes requests by their {@code Host}: {@code <port>-<sandbox id or signed token>.<preview domain>} goes to that
 * port inside the sandbox (docs/previews.md); every other host is Berth's API and passes on. First in the chain,
 * so a preview request never meets the API's authentication, path rules, rate limits or body limits, and an API
 * request never reaches a sandbox. Answers Berth gives itself (refusals) are HTML for browsers and problem JSON
 * for everything else. Preview exchanges open at once are bounded on this replica in all, per organization and per
 * sandbox ({@link PreviewSlots}); each counts as activity for the idle policies while it lasts.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class PreviewFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(PreviewFilter.class);

    private final PreviewProperties props;
    private final PreviewUrls urls;
    private final PreviewGate gate;
    private final PreviewProxy proxy;
    private final ActivityTracker activity;
    private final JsonMapper json;
    private final PreviewSlots slots;

    public PreviewFilter(PreviewProperties props, PreviewUrls urls, PreviewGate gate, PreviewProxy proxy,
            ActivityTracker activity, JsonMapper json) {
        this.props = props;
        this.urls = urls;
        this.gate = gate;
        this.proxy = proxy;
        this.activity = activity;
        this.json = json;
        this.slots = new PreviewSlots(props.maxConnections(), props.maxConnectionsPerOrg(),
                props.maxConnectionsPerSandbox());
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return true;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws ServletException, IOException {
        Optional<PreviewUrls.Target> target = props.enabled() ? urls.parse(req.getHeader("Host")) : Optional.empty();
        if (target.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        try {
            PreviewGate.Admitted a = gate.admit(target.get(), req);
            if (a.tokenFromQuery() != null) {
                firstVisit(a, req, res);
                return;
            }
            String id = a.sandbox().getId();
            String org = a.sandbox().getOrganizationId();
            if (!slots.acquire(id, org)) {
                throw new PreviewRefusal(503, "PREVIEW_BUSY", "too many preview connections are open (at most "
                        + props.maxConnectionsPerSandbox() + " for sandbox " + id + ", berth.preview."
                        + "max-connections-per-sandbox; " + props.maxConnectionsPerOrg() + " for its organization, "
                        + "berth.preview.max-connections-per-org; and " + props.maxConnections() + " in all, "
                        + "berth.preview.max-connections); retry when some have finished");
            }
            ActivityTracker.Hold hold = activity.hold(id);
            AtomicBoolean released = new AtomicBoolean();
            Runnable release = () -> {
                if (released.compareAndSet(false, true)) {
                    hold.close();
                    slots.release(id, org);
                }
            };
            boolean upgraded = false;
            try {
                upgraded = proxy.forward(a, req, res, release);
            } finally {
                if (!upgraded) {
                    release.run();
                }
            }
        } catch (PreviewRefusal r) {
            refuse(req, res, r);
        } catch (IOException e) {
            log.debug("preview {} {}: {}", req.getHeader("Host"), req.getRequestURI(), e.toString());
            if (res.isCommitted()) {
                // mid-stream: rethrown, so the server aborts the connection instead of ending the body cleanly (a
                // cut download must not look complete)
                throw e;
            }
            refuse(req, res, new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "the exchange with the "
                    + "sandbox failed: " + e.getMessage()));
        }
    }

    /** {@code ?token=} on a first visit: the token becomes a cookie for this host only, and the URL loses it. */
    private void firstVisit(PreviewGate.Admitted a, HttpServletRequest req, HttpServletResponse res) {
        String rest = PreviewGate.withoutTokenParam(req.getQueryString());
        // one leading slash: "//evil.example/" would be a redirect to another site
        String location = req.getRequestURI().replaceFirst("^/+", "/") + (rest == null ? "" : "?" + rest);
        StringBuilder cookie = new StringBuilder(PreviewGate.TOKEN_COOKIE).append('=').append(a.tokenFromQuery())
                .append("; Path=/; HttpOnly; SameSite=Lax");
        if (req.isSecure() || "https".equalsIgnoreCase(req.getHeader("X-Forwarded-Proto"))) {
            cookie.append("; Secure");
        }
        res.setStatus(302);
        res.setHeader("Set-Cookie", cookie.toString());
        res.setHeader("Location", location);
        res.setHeader("Cache-Control", "no-store");
        res.setHeader("Referrer-Policy", "no-referrer");
    }

    /** Open preview exchanges of a sandbox on this replica (for tests and metrics). */
    int openConnections(String sandboxId) {
        return slots.openFor(sandboxId);
    }

    private void refuse(HttpServletRequest req, HttpServletResponse res, PreviewRefusal r) throws IOException {
        if (res.isCommitted()) {
            return;
        }
        res.resetBuffer();
        res.setStatus(r.status());
        res.setHeader("Cache-Control", "no-store");
        String accept = req.getHeader("Accept");
        if (accept != null && accept.contains("text/html")) {
            res.setContentType("text/html;charset=utf-8");
            String msg = HtmlUtils.htmlEscape(r.getMessage());
            res.getOutputStream().write(("<!doctype html><html><head><meta charset=\"utf-8\"><title>Berth preview: "
                    + r.status() + "</title></head><body><h1>" + r.status() + " " + r.code() + "</h1><p>" + msg
                    + "</p></body></html>\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "https://berth.dev/problems/" + r.code().toLowerCase().replace('_', '-'));
        body.put("title", org.springframework.http.HttpStatus.resolve(r.status()) == null ? "Error"
                : org.springframework.http.HttpStatus.resolve(r.status()).getReasonPhrase());
        body.put("status", r.status());
        body.put("detail", r.getMessage());
        body.put("code", r.code());
        body.put("message", r.getMessage());
        body.put("statusCode", r.status());
        body.put("source", "DAYTONA_PROXY");
        res.setContentType("application/problem+json");
        res.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
