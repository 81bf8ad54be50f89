package dev.berth.server.preview;

import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxRepository;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides whether a preview request may reach its sandbox, before a byte of it does: which sandbox and port the
 * host names (a sandbox id, or a signed link's token), whether the caller holds what that sandbox needs (nothing
 * for a public sandbox; the preview token as a header, a cookie or a first-visit {@code ?token=} for a private
 * one; a signed link is its own credential, for its port only, until it expires), and whether the sandbox can be
 * reached (started, or paused and then resumed like any toolbox call; its runner reachable).
 */
@Component
public class PreviewGate {

    /** The Daytona SDK's header; Berth's own name is accepted too. */
    public static final String TOKEN_HEADER = "x-daytona-preview-token";
    public static final String BERTH_TOKEN_HEADER = "x-berth-preview-token";
    public static final String TOKEN_COOKIE = "berth-preview-token";
    public static final String TOKEN_PARAM = "token";

    private final PreviewTokens tokens;
    private final SandboxRepository sandboxes;
    private final ToolboxTargets targets;
    private final Clock clock;

    public PreviewGate(PreviewTokens tokens, SandboxRepository sandboxes, ToolboxTargets targets, Clock clock) {
        this.tokens = tokens;
        this.sandboxes = sandboxes;
        this.targets = targets;
        this.clock = clock;
    }

    /**
     * What the gate let through: the sandbox, its agent, whether the token came as {@code ?token=}, and how to ask
     * again whether what let it through still holds (for connections that outlive their request: WebSockets).
     */
    public record Admitted(Sandbox sandbox, int port, dev.berth.runner.agent.SandboxAgent agent, String tokenFromQuery,
            java.util.function.BooleanSupplier stillAdmitted) {
    }

    public Admitted admit(PreviewUrls.Target target, HttpServletRequest req) {
        int port = target.port();
        if (port < 1 || port > 65535) {
            throw new PreviewRefusal(400, "PREVIEW_BAD_PORT", "port " + port + " is out of range: a preview URL names "
                    + "a port from 1 to 65535");
        }
        Sandbox s;
        String fromQuery = null;
        java.util.function.BooleanSupplier still;
        if (PreviewTokens.looksLikeToken(target.subject())) {
            // a signed link: <port>-<token>; the token is the credential, for its port, until it expires
            PreviewTokens.SignedLink link = tokens.signed(target.subject()).orElseThrow(() -> new PreviewRefusal(404,
                    "PREVIEW_LINK_UNKNOWN", "this signed preview link does not exist; ask for a new one "
                    + "(GET /api/sandbox/{id}/ports/{port}/signed-preview-url)"));
            if (link.port() != port) {
                throw new PreviewRefusal(403, "PREVIEW_WRONG_PORT", "this signed preview link is for port "
                        + link.port() + ", not " + port);
            }
            if (!link.usableAt(clock.instant())) {
                throw new PreviewRefusal(410, "PREVIEW_LINK_EXPIRED", "this signed preview link "
                        + (link.expiredAt() != null ? "was expired at " + link.expiredAt() : "expired at "
                        + link.expiresAt()) + "; ask for a new one");
            }
            s = live(link.sandboxId());
            String token = target.subject();
            // expired (POST .../expire on any replica) or past its time: connections made with it end
            still = () -> tokens.signed(token).filter(l -> l.usableAt(clock.instant())).isPresent();
        } else {
            s = live(target.subject());
            if (!s.isPublicAccess()) {
                fromQuery = checkToken(s, req);
                still = () -> true; // the preview token lasts as long as its sandbox, and the relay ends with that
            } else {
                String id = s.getId();
                // let in because the sandbox was public: made private since, its anonymous connections end
                still = () -> sandboxes.findById(id).filter(Sandbox::isPublicAccess).isPresent();
            }
        }
        ToolboxTargets.Target t = reach(s);
        return new Admitted(t.sandbox(), port, t.agent(), fromQuery, still);
    }

    private Sandbox live(String id) {
        Optional<Sandbox> found = sandboxes.findById(id);
        if (found.isEmpty() || found.get().isPooled() || found.get().getState() == SandboxState.DESTROYED
                || found.get().getState() == SandboxState.DESTROYING) {
            throw new PreviewRefusal(404, "PREVIEW_SANDBOX_NOT_FOUND", "no sandbox '" + id + "' (deleted, or never "
                    + "existed)");
        }
        return found.get();
    }

    /** Checks the preview token; returns it when it came as {@code ?token=} (the caller then sets the cookie). */
    private String checkToken(Sandbox s, HttpServletRequest req) {
        Optional<String> expected = tokens.current(s.getId());
        String header = firstNonEmpty(req.getHeader(TOKEN_HEADER), req.getHeader(BERTH_TOKEN_HEADER));
        if (header != null) {
            if (expected.isPresent() && PreviewTokens.matches(expected.get(), header)) {
                return null;
            }
            throw invalid(s);
        }
        List<String> cookies = cookies(req);
        // any cookie of that name may match: another preview host can plant one for the parent domain, which must
        // not lock the owner out
        if (expected.isPresent() && cookies.stream().anyMatch(c -> PreviewTokens.matches(expected.get(), c))) {
            checkOrigin(s, req);
            return null;
        }
        // from the raw query string: getParameter would read a form body, which belongs to the app
        String query = queryParam(req.getQueryString(), TOKEN_PARAM);
        if (query != null && !query.isEmpty()) {
            if (expected.isPresent() && PreviewTokens.matches(expected.get(), query)) {
                return query;
            }
            throw invalid(s);
        }
        if (!cookies.isEmpty()) {
            throw invalid(s);
        }
        throw new PreviewRefusal(401, "PREVIEW_TOKEN_REQUIRED", "sandbox " + s.getId() + " is private: send its "
                + "preview token in the " + TOKEN_HEADER + " header, or open the URL once with ?token=<token> "
                + "(GET /api/sandbox/{id}/ports/{port}/preview-url gives both)");
    }

    /**
     * A browser sends the cookie to this host whatever page made the request, and every preview host is one site
     * (SameSite does not separate them): a WebSocket or a state-changing request authorized by the cookie must come
     * from a page of this same preview host. Browsers always say where such requests come from ({@code Origin}).
     */
    private static void checkOrigin(Sandbox s, HttpServletRequest req) {
        String method = req.getMethod();
        boolean unsafe = !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method));
        if (!unsafe && !PreviewProxy.isUpgrade(req)) {
            return;
        }
        String origin = req.getHeader("Origin");
        if (origin == null) {
            return; // not a browser's cross-origin request
        }
        String host = req.getHeader("Host");
        String originHost = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        if (host == null || !originHost.equalsIgnoreCase(host)) {
            throw new PreviewRefusal(403, "PREVIEW_CROSS_ORIGIN", "a " + (PreviewProxy.isUpgrade(req) ? "WebSocket"
                    : method + " request") + " to sandbox " + s.getId() + " from another site (" + origin + ") is "
                    + "not authorized by the preview cookie; send the " + TOKEN_HEADER + " header instead");
        }
    }

    private static PreviewRefusal invalid(Sandbox s) {
        return new PreviewRefusal(403, "PREVIEW_TOKEN_INVALID", "that preview token is not sandbox " + s.getId()
                + "'s; get the current one from GET /api/sandbox/{id}/ports/{port}/preview-url");
    }

    /** The first value of {@code name} in a raw query string, decoded; null if absent or malformed. */
    static String queryParam(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(name)) {
                try {
                    return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                            java.nio.charset.StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The query string without the {@code token} parameter (for the redirect after a first visit). */
    static String withoutTokenParam(String query) {
        if (query == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            if (k.equals(TOKEN_PARAM) || pair.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(pair);
        }
        return out.length() == 0 ? null : out.toString();
    }

    private static List<String> cookies(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        for (Cookie c : cookies) {
            if (TOKEN_COOKIE.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                out.add(c.getValue());
            }
        }
        return out;
    }

    private static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b != null && !b.isEmpty() ? b : null;
    }

    /** Resumes a paused sandbox, refuses one that is not started or whose runner is away (the toolbox's rules). */
    private ToolboxTargets.Target reach(Sandbox s) {
        try {
            return targets.reach(s);
        } catch (ToolboxException e) {
            if (e.error() == ToolboxError.RUNNER_UNAVAILABLE) {
                throw new PreviewRefusal(503, "PREVIEW_RUNNER_UNAVAILABLE", e.getMessage());
            }
            throw new PreviewRefusal(409, "PREVIEW_SANDBOX_NOT_STARTED", e.getMessage().replace(
                    "start it before using the toolbox", "start it to reach its ports"));
        }
    }
}
