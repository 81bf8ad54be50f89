package dev.berth.server.preview;

import dev.berth.runner.agent.AgentException;
import dev.berth.server.config.PreviewProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.ChunkedInputStream;
import org.apache.hc.core5.http.impl.io.ContentLengthInputStream;
import org.apache.hc.core5.http.impl.io.DefaultHttpResponseParser;
import org.apache.hc.core5.http.impl.io.IdentityInputStream;
import org.apache.hc.core5.http.impl.io.SessionInputBufferImpl;
import org.springframework.stereotype.Component;

/**
 * Carries one admitted preview request to the sandbox's port over a {@link PortRelay} and its answer back: the
 * request head as HTTP/1.1 with {@code Connection: close} (one relay per request; the client's own keep-alive is
 * Tomcat's business), the body streamed (re-chunked when its length is unknown), the response head parsed by
 * HttpCore and its body streamed with a flush per chunk, so server-sent events arrive as they are written. A
 * {@code 101} answer to an upgrade request (WebSocket) hands the connection to {@link UpgradedRelay}.
 */
@Component
public class PreviewProxy {

    /** Hop-by-hop headers (RFC 9110 §7.6.1) and what Berth sets itself; never copied across. */
    private static final Set<String> HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "expect", "content-length", "proxy-authorization", "proxy-authenticate");
    private static final int MAX_HEAD_LINE = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final int MAX_HEADERS = 100;
    /** Interim (1xx) answers skipped before the final one; a flood of them is the app's failure. */
    private static final int MAX_INTERIM = 10;
    /** The app's head and a chunked body's trailers: at most 100 lines of 16 KiB (folding counts towards a line). */
    static final Http1Config LIMITS = Http1Config.custom().setMaxHeaderCount(MAX_HEADERS)
            .setMaxLineLength(MAX_HEAD_LINE).build();

    private final PreviewProperties props;
    private final UpgradedRelay.Threads threads;

    public PreviewProxy(PreviewProperties props, UpgradedRelay.Threads threads) {
        this.props = props;
        this.threads = threads;
    }

    /**
     * Forwards {@code req} and writes the answer to {@code res}; the relay is closed when the exchange ends, except
     * after an upgrade, when {@link UpgradedRelay} owns it (returns true then).
     */
    public boolean forward(PreviewGate.Admitted a, HttpServletRequest req, HttpServletResponse res, Runnable release)
            throws IOException, jakarta.servlet.ServletException {
        boolean upgrade = isUpgrade(req);
        PortRelay relay;
        try {
            relay = PortRelay.open(a.agent(), a.port());
        } catch (AgentException e) {
            throw new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "cannot reach the agent of sandbox "
                    + a.sandbox().getId() + ": " + e.getMessage());
        }
        boolean handedOver = false;
        try {
            sendRequest(relay, a, req, upgrade);
            InputStream fromApp = relay.input(props.responseTimeout());
            SessionInputBufferImpl buf = new SessionInputBufferImpl(32 * 1024, MAX_HEAD_LINE);
            // one deadline for the whole head: an app dribbling a byte a minute does not hold the exchange
            ClassicHttpResponse head;
            java.util.concurrent.ScheduledFuture<?> deadline = threads.timer.schedule(relay::expire,
                    props.responseTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                head = readHead(relay, a, buf, fromApp);
            } finally {
                deadline.cancel(false);
            }
            relay.input(props.idleTimeout());
            if (head.getCode() == 101 && !upgrade) {
                throw new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "port " + a.port() + " of sandbox "
                        + a.sandbox().getId() + " switched protocols (101) for a request that asked for no upgrade");
            }
            if (upgrade && head.getCode() == 101) {
                res.setStatus(101);
                copyHeaders(head, res, true);
                UpgradedRelay handler = req.upgrade(UpgradedRelay.class);
                handler.attach(relay, new IdentityInputStream(buf, fromApp), props.webSocketIdleTimeout(), threads,
                        release, a.stillAdmitted());
                handedOver = true;
                return true;
            }
            res.setStatus(head.getCode());
            copyHeaders(head, res, false);
            InputStream body = body(head, req.getMethod(), buf, fromApp);
            Header cl = head.getFirstHeader("Content-Length");
            if (body == null) {
                if ("HEAD".equalsIgnoreCase(req.getMethod()) && cl != null) {
                    res.setHeader("Content-Length", cl.getValue().trim());
                }
                res.flushBuffer();
                return false;
            }
            if (cl != null && head.getFirstHeader("Transfer-Encoding") == null) {
                try {
                    res.setContentLengthLong(Long.parseLong(cl.getValue().trim()));
                } catch (NumberFormatException e) {
                    throw new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "port " + a.port()
                            + " answered with a malformed Content-Length");
                }
            }
            OutputStream out = res.getOutputStream();
            byte[] chunk = new byte[32 * 1024];
            res.flushBuffer(); // the head goes out now: a streamed answer must not wait for its first body bytes
            for (int n; (n = body.read(chunk)) >= 0; ) {
                out.write(chunk, 0, n);
                if (body.available() <= 0) {
                    out.flush();
                }
            }
            out.flush();
            return false;
        } finally {
            if (!handedOver) {
                relay.close();
            }
        }
    }

    static boolean isUpgrade(HttpServletRequest req) {
        String upgrade = req.getHeader("Upgrade");
        if (upgrade == null || upgrade.isBlank()) {
            return false;
        }
        return connectionTokens(req).contains("upgrade");
    }

    private void sendRequest(PortRelay relay, PreviewGate.Admitted a, HttpServletRequest req, boolean upgrade)
            throws IOException {
        OutputStream raw = relay.output();
        OutputStream up = new BufferedOutputStream(raw, 32 * 1024);
        StringBuilder head = new StringBuilder(1024);
        String uri = req.getRequestURI();
        String query = a.tokenFromQuery() != null ? PreviewGate.withoutTokenParam(req.getQueryString())
                : req.getQueryString();
        head.append(req.getMethod()).append(' ').append(uri);
        if (query != null) {
            head.append('?').append(query);
        }
        head.append(" HTTP/1.1\r\n");
        Set<String> connectionListed = connectionTokens(req);
        for (String name : Collections.list(req.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP.contains(lower) || connectionListed.contains(lower) || lower.equals(PreviewGate.TOKEN_HEADER)
                    || lower.equals(PreviewGate.BERTH_TOKEN_HEADER) || lower.startsWith("x-forwarded-")
                    || lower.equals("forwarded")) {
                continue;
            }
            for (String value : Collections.list(req.getHeaders(name))) {
                if (lower.equals("cookie")) {
                    value = withoutPreviewCookie(value);
                    if (value.isEmpty()) {
                        continue;
                    }
                }
                head.append(name).append(": ").append(value).append("\r\n");
            }
        }
        head.append("X-Forwarded-For: ").append(req.getRemoteAddr()).append("\r\n");
        head.append("X-Forwarded-Proto: ").append(req.getScheme()).append("\r\n");
        if (req.getHeader("Host") != null) {
            head.append("X-Forwarded-Host: ").append(req.getHeader("Host")).append("\r\n");
        }
        if (upgrade) {
            head.append("Connection: Upgrade\r\nUpgrade: ").append(req.getHeader("Upgrade")).append("\r\n");
        } else {
            head.append("Connection: close\r\n");
        }
        long length = req.getContentLengthLong();
        boolean chunked = length < 0 && req.getHeader("Transfer-Encoding") != null;
        if (length >= 0 && !upgrade) {
            head.append("Content-Length: ").append(length).append("\r\n");
        } else if (chunked && !upgrade) {
            head.append("Transfer-Encoding: chunked\r\n");
        }
        head.append("\r\n");
        try {
            up.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (!upgrade && (length > 0 || chunked)) {
                InputStream in = req.getInputStream();
                byte[] b = new byte[32 * 1024];
                for (int n; (n = in.read(b)) >= 0; ) {
                    if (n == 0) {
                        continue;
                    }
                    if (chunked) {
                        // HTTP/1.1 chunk framing (RFC 9112 §7.1): size in hex, the bytes, CRLF; a zero chunk ends it
                        up.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        up.write(b, 0, n);
                        up.write(CRLF);
                    } else {
                        up.write(b, 0, n);
                    }
                }
                if (chunked) {
                    up.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            up.flush();
        } catch (IOException e) {
            if (relay.ended() || relayEndsSoon(relay)) {
                // the app (or the relay) ended before taking the whole request: its answer, if any, says why
                return;
            }
            throw e;
        }
    }

    private static boolean relayEndsSoon(PortRelay relay) {
        return relay.awaitEnd(java.time.Duration.ofSeconds(2));
    }

    private static Set<String> connectionTokens(HttpServletRequest req) {
        return tokens(Collections.list(req.getHeaders("Connection")));
    }

    /** The lower-case tokens of {@code Connection} header values (the headers they name are hop-by-hop). */
    static Set<String> tokens(Iterable<String> connectionValues) {
        java.util.HashSet<String> out = new java.util.HashSet<>();
        for (String c : connectionValues) {
            for (String token : c.split(",")) {
                out.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    static String withoutPreviewCookie(String cookieHeader) {
        StringBuilder out = new StringBuilder();
        for (String part : cookieHeader.split(";")) {
            String p = part.trim();
            if (p.isEmpty() || p.startsWith(PreviewGate.TOKEN_COOKIE + "=")) {
                continue;
            }
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(p);
        }
        return out.toString();
    }

    private ClassicHttpResponse readHead(PortRelay relay, PreviewGate.Admitted a, SessionInputBufferImpl buf,
            InputStream in) throws IOException {
        DefaultHttpResponseParser parser = new DefaultHttpResponseParser(LIMITS);
        int interim = 0;
        try {
            while (true) {
                ClassicHttpResponse head = parser.parse(buf, in);
                if (head == null) {
                    throw noAnswer(relay, a);
                }
                if (head.getCode() >= 200 || head.getCode() == 101) {
                    return head;
                }
                if (++interim > MAX_INTERIM) {
                    throw new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "port " + a.port() + " of sandbox "
                            + a.sandbox().getId() + " sent more than " + MAX_INTERIM + " interim (1xx) answers");
                }
                // 100 Continue and other interim answers: Tomcat already spoke to the client; wait for the final one
            }
        } catch (HttpException e) {
            throw new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "port " + a.port() + " of sandbox "
                    + a.sandbox().getId() + " did not answer with HTTP: " + e.getMessage());
        } catch (java.net.SocketTimeoutException e) {
            throw new PreviewRefusal(504, "PREVIEW_UPSTREAM_TIMEOUT", "port " + a.port() + " of sandbox "
                    + a.sandbox().getId() + " did not answer within " + props.responseTimeout().toSeconds() + " s");
        } catch (org.apache.hc.core5.http.NoHttpResponseException e) {
            throw noAnswer(relay, a);
        } catch (IOException e) {
            if (relay.expired()) {
                throw new PreviewRefusal(504, "PREVIEW_UPSTREAM_TIMEOUT", "port " + a.port() + " of sandbox "
                        + a.sandbox().getId() + " did not send its answer's head within "
                        + props.responseTimeout().toSeconds() + " s");
            }
            if (relay.ended()) {
                throw noAnswer(relay, a);
            }
            throw e;
        }
    }

    private static PreviewRefusal noAnswer(PortRelay relay, PreviewGate.Admitted a) {
        relay.awaitEnd(java.time.Duration.ofSeconds(2));
        if (relay.refused()) {
            return new PreviewRefusal(502, "PREVIEW_PORT_CLOSED", "nothing listens on port " + a.port()
                    + " in sandbox " + a.sandbox().getId() + " (tried 127.0.0.1 and ::1 inside it): start the app, "
                    + "or check its port");
        }
        if (relay.agentTooOld()) {
            return new PreviewRefusal(502, "PREVIEW_AGENT_OUTDATED", "sandbox " + a.sandbox().getId()
                    + " runs an agent from before preview support: restart the sandbox");
        }
        return new PreviewRefusal(502, "PREVIEW_UPSTREAM_FAILED", "port " + a.port() + " of sandbox "
                + a.sandbox().getId() + " closed the connection without an answer (" + relay.problem() + ")");
    }

    /** The response body as the app framed it, or null when the response has none. */
    private static InputStream body(ClassicHttpResponse head, String method, SessionInputBufferImpl buf,
            InputStream in) {
        int code = head.getCode();
        if ("HEAD".equalsIgnoreCase(method) || code == 204 || code == 304) {
            return null;
        }
        Header te = head.getFirstHeader("Transfer-Encoding");
        if (te != null && te.getValue().toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(buf, in, LIMITS);
        }
        Header cl = head.getFirstHeader("Content-Length");
        if (cl != null) {
            try {
                return new ContentLengthInputStream(buf, in, Long.parseLong(cl.getValue().trim()));
            } catch (NumberFormatException e) {
                return new IdentityInputStream(buf, in);
            }
        }
        return new IdentityInputStream(buf, in);
    }

    private static void copyHeaders(ClassicHttpResponse head, HttpServletResponse res, boolean upgrade) {
        Set<String> listed = tokens(java.util.Arrays.stream(head.getHeaders("Connection")).map(Header::getValue)
                .toList());
        for (Header h : head.getHeaders()) {
            String lower = h.getName().toLowerCase(Locale.ROOT);
            if (upgrade && (lower.equals("upgrade") || lower.equals("connection"))) {
                res.addHeader(h.getName(), h.getValue());
                continue;
            }
            if (HOP.contains(lower) || (listed.contains(lower) && !upgrade)) {
                continue;
            }
            res.addHeader(h.getName(), h.getValue());
        }
    }
}
