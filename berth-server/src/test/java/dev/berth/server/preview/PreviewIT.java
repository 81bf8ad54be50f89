package dev.berth.server.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.agent.ExecRequest;
import dev.berth.server.org.Tenants;
import dev.berth.server.toolbox.git.DefaultImageIT;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Preview URLs end to end on the embedded runner: an app in {@code berth/default} bound to 127.0.0.1 only, reached
 * through {@code <port>-<id>.localhost:<berth port>} via the sandbox's agent; tokens, cookies, public sandboxes,
 * streaming both ways, server-sent events, WebSockets, signed links, and the refusals.
 */
class PreviewIT extends DefaultImageIT {

    static final long BIG = 200L << 20;

    @Autowired
    Tenants tenants;

    private String app(String id, int appPort) throws Exception {
        byte[] script;
        try (InputStream in = PreviewIT.class.getResourceAsStream("/preview/app.py")) {
            script = in.readAllBytes();
        }
        var w = agent(id).exec(ExecRequest.of("/bin/sh", "-c", "cat > /tmp/app.py"), script, Duration.ofSeconds(30));
        assertThat(w.exitCode()).isZero();
        agent(id).startDetached(ExecRequest.of("python3", "/tmp/app.py", Integer.toString(appPort)));
        return id;
    }

    private String host(int appPort, String subject) {
        return appPort + "-" + subject + ".localhost:" + port;
    }

    private JsonNode previewUrl(String id, int appPort) {
        return ok(admin("GET", "/api/sandbox/" + id + "/ports/" + appPort + "/preview-url", null));
    }

    private RawHttp.Response get(String host, String path, Map<String, String> headers) throws Exception {
        return RawHttp.exchange(port, host, "GET", path, headers, null);
    }

    private static JsonNode problem(RawHttp.Response r, int status, String code) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        JsonNode p = JSON.readTree(r.text());
        assertThat(p.get("code").asString()).isEqualTo(code);
        assertThat(p.get("source").asString()).isEqualTo("DAYTONA_PROXY");
        return p;
    }

    @Test
    void aPrivateSandboxsAppOnLoopbackIsReachedWithItsTokenOnly() throws Exception {
        String id = app(sandbox(DEFAULT), 8080);
        JsonNode link = previewUrl(id, 8080);
        String token = link.get("token").asString();
        assertThat(link.get("sandboxId").asString()).isEqualTo(id);
        assertThat(link.get("url").asString()).isEqualTo("http://8080-" + id + ".localhost:" + port);
        assertThat(previewUrl(id, 8080).get("token").asString()).as("stable per sandbox").isEqualTo(token);

        // no token: refused before the sandbox, JSON for API clients, HTML for browsers
        problem(get(host(8080, id), "/hello", Map.of()), 401, "PREVIEW_TOKEN_REQUIRED");
        var html = get(host(8080, id), "/hello", Map.of("Accept", "text/html,application/xhtml+xml"));
        assertThat(html.status()).isEqualTo(401);
        assertThat(html.header("content-type")).startsWith("text/html");
        assertThat(html.text()).contains("is private");
        problem(get(host(8080, id), "/hello", Map.of("x-daytona-preview-token", "wrong")), 403,
                "PREVIEW_TOKEN_INVALID");

        // the header: through, and the app never sees the token
        var ok = get(host(8080, id), "/hello?a=1", Map.of("x-daytona-preview-token", token));
        assertThat(ok.status()).as(ok.text()).isEqualTo(200);
        assertThat(ok.text()).startsWith("hello from 8080 host=" + host(8080, id)).contains("token=None")
                .contains("path=/hello?a=1");

        // ?token= on a first visit: a host-only cookie and a redirect without the token
        var first = get(host(8080, id), "/hello?x=2&token=" + token, Map.of());
        assertThat(first.status()).isEqualTo(302);
        assertThat(first.header("location")).isEqualTo("/hello?x=2");
        String setCookie = first.header("set-cookie");
        assertThat(setCookie).startsWith(PreviewGate.TOKEN_COOKIE + "=" + token).contains("HttpOnly")
                .doesNotContain("Domain");
        var withCookie = get(host(8080, id), "/hello?x=2", Map.of("Cookie", "app=1; " + PreviewGate.TOKEN_COOKIE
                + "=" + token));
        assertThat(withCookie.status()).isEqualTo(200);
        assertThat(withCookie.text()).contains("cookie=app=1 ").doesNotContain(token);

        // curl resolves *.localhost by itself: the default domain needs no DNS set-up
        Process curl = new ProcessBuilder("curl", "-sS", "-H", "x-daytona-preview-token: " + token,
                "http://8080-" + id + ".localhost:" + port + "/hello").redirectErrorStream(true).start();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith(
                "hello from 8080");

        // a port nothing listens on, and the API itself is not disturbed by the preview routing
        problem(get(host(9, id), "/", Map.of("x-daytona-preview-token", token)), 502, "PREVIEW_PORT_CLOSED");
        assertThat(admin("GET", "/api/sandbox/" + id, null).statusCode()).isEqualTo(200);
    }

    @Test
    void aPublicSandboxNeedsNoTokenAndAnotherOrganizationsTokenOpensNothing() throws Exception {
        JsonNode pub = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"" + DEFAULT + "\",\"public\":true}"));
        String pubId = app(pub.get("id").asString(), 8080);
        try {
            assertThat(pub.get("public").asBoolean()).isTrue();
            var r = get(host(8080, pubId), "/hello", Map.of());
            assertThat(r.status()).as(r.text()).isEqualTo(200);

            // tenant B: its own sandbox's token does not open the admin's private sandbox, and it cannot ask for
            // a preview URL of a sandbox it does not own
            var b = tenants.owner();
            String priv = app(sandbox(DEFAULT), 8080);
            JsonNode bs = ok(call("POST", "/api/sandbox", b.key(), "{\"snapshot\":\"berth/busybox\"}"));
            String bToken = ok(call("GET", "/api/sandbox/" + bs.get("id").asString() + "/ports/8080/preview-url",
                    b.key(), null)).get("token").asString();
            problem(get(host(8080, priv), "/hello", Map.of("x-daytona-preview-token", bToken)), 403,
                    "PREVIEW_TOKEN_INVALID");
            assertThat(call("GET", "/api/sandbox/" + priv + "/ports/8080/preview-url", b.key(), null).statusCode())
                    .isEqualTo(404);
            call("DELETE", "/api/sandbox/" + bs.get("id").asString(), b.key(), null);
        } finally {
            admin("DELETE", "/api/sandbox/" + pubId, null);
        }
    }

    @Test
    void largeBodiesStreamBothWaysAndServerSentEventsArriveAsWritten() throws Exception {
        String id = app(sandbox(DEFAULT), 8080);
        String token = previewUrl(id, 8080).get("token").asString();
        String url = "http://8080-" + id + ".localhost:" + port;

        // 200 MiB down, measured by curl (bytes and digest against the same pattern made here)
        Path down = Files.createTempFile("preview-down", ".bin");
        Path up = Files.createTempFile("preview-up", ".bin");
        try {
            Process dl = new ProcessBuilder("curl", "-sS", "-f", "-o", down.toString(), "-H",
                    "x-daytona-preview-token: " + token, url + "/big?n=" + BIG).redirectErrorStream(true).start();
            assertThat(dl.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(dl.exitValue()).as(new String(dl.getInputStream().readAllBytes())).isZero();
            assertThat(Files.size(down)).isEqualTo(BIG);
            assertThat(sha256(down)).isEqualTo(patternSha256(BIG));

            // 200 MiB up with a length, then chunked (curl streams the file; the app hashes what it got)
            try (OutputStream o = Files.newOutputStream(up)) {
                byte[] block = new byte[1 << 20];
                new java.util.Random(7).nextBytes(block);
                for (int i = 0; i < 200; i++) {
                    o.write(block);
                }
            }
            String expected = BIG + " " + sha256(up);
            for (List<String> extra : List.of(List.<String>of(), List.of("-H", "Transfer-Encoding: chunked"))) {
                var cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-f", "-X", "POST", "-H",
                        "x-daytona-preview-token: " + token, "-H", "Content-Type: application/octet-stream",
                        "--data-binary", "@" + up));
                cmd.addAll(extra);
                cmd.add(url + "/upload");
                Process ul = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                assertThat(ul.waitFor(5, TimeUnit.MINUTES)).isTrue();
                assertThat(new String(ul.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as(extra.toString())
                        .isEqualTo(expected);
            }
        } finally {
            Files.deleteIfExists(down);
            Files.deleteIfExists(up);
        }

        // SSE: the first event arrives while the app is still holding the second
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(RawHttp.head(host(8080, id), "GET", "/sse",
                    Map.of("x-daytona-preview-token", token, "Accept", "text/event-stream"), -1)
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertThat(RawHttp.readHeadLines(in).get(0)).contains("200");
            assertThat(readUntil(in, "data: one")).contains("data: one");
            sh(id, "touch /tmp/sse-release");
            assertThat(readUntil(in, "data: two")).contains("data: two");
        }
    }

    @Test
    void aWebSocketEchoesThroughThePreviewOfAPrivateSandbox() throws Exception {
        String id = app(sandbox(DEFAULT), 8080);
        String token = previewUrl(id, 8080).get("token").asString();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(RawHttp.head(host(8080, id), "GET", "/ws", Map.of("x-daytona-preview-token", token,
                    "Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
                    "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), -1).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            List<String> head = RawHttp.readHeadLines(in);
            assertThat(head.get(0)).contains("101");
            assertThat(head).anyMatch(h -> h.equalsIgnoreCase("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
            for (String msg : List.of("hello", "x".repeat(70_000), "bye")) {
                writeFrame(out, msg.getBytes(StandardCharsets.UTF_8));
                assertThat(new String(readFrame(in), StandardCharsets.UTF_8)).isEqualTo(msg);
            }
        }
        // the cookie alone does not let another site's page open it (every preview host is one "site")
        var crossSite = get(host(8080, id), "/ws", Map.of("Cookie", PreviewGate.TOKEN_COOKIE + "=" + token,
                "Origin", "http://9999-other.localhost:" + port, "Connection", "Upgrade", "Upgrade", "websocket",
                "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="));
        problem(crossSite, 403, "PREVIEW_CROSS_ORIGIN");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(RawHttp.head(host(8080, id), "GET", "/ws", Map.of("Cookie",
                    PreviewGate.TOKEN_COOKIE + "=" + token, "Origin", "http://" + host(8080, id), "Connection",
                    "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key",
                    "dGhlIHNhbXBsZSBub25jZQ=="), -1).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(RawHttp.readHeadLines(s.getInputStream()).get(0)).as("same origin").contains("101");
        }
    }

    @Test
    void anAppWhoseTrailersNeverEndIsCutOffAndTheServerStaysUp() throws Exception {
        String id = app(sandbox(DEFAULT), 8080);
        String token = previewUrl(id, 8080).get("token").asString();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(120_000);
            s.getOutputStream().write(RawHttp.head(host(8080, id), "GET", "/trailers",
                    Map.of("x-daytona-preview-token", token), -1).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertThat(RawHttp.readHeadLines(in).get(0)).contains("200");
            // the connection is aborted: read until the end, which must come (no terminating chunk is promised)
            String rest = readUntil(in, "\u0000never");
            assertThat(rest).contains("start").doesNotContain("0\r\n\r\n");
        } catch (java.net.SocketException e) {
            // a reset is an abort too
        }
        assertThat(admin("GET", "/api/health", null).statusCode()).isEqualTo(200);
        var again = get(host(8080, id), "/hello", Map.of("x-daytona-preview-token", token));
        assertThat(again.status()).as("the sandbox's slots were released").isEqualTo(200);
    }

    @Test
    void aSignedLinkOpensOnePortUntilItExpiresOrIsExpired() throws Exception {
        String id = app(sandbox(DEFAULT), 8080);
        JsonNode signed = ok(admin("GET", "/api/sandbox/" + id + "/ports/8080/signed-preview-url?expiresInSeconds=120",
                null));
        String token = signed.get("token").asString();
        assertThat(signed.get("port").asInt()).isEqualTo(8080);
        assertThat(signed.get("url").asString()).isEqualTo("http://8080-" + token + ".localhost:" + port);

        var r = get(host(8080, token), "/hello", Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        problem(get(host(8081, token), "/hello", Map.of()), 403, "PREVIEW_WRONG_PORT");
        problem(get(host(8080, "a".repeat(32)), "/hello", Map.of()), 404, "PREVIEW_LINK_UNKNOWN");

        // a WebSocket opened with the link (a connection that outlives its request) ends when the link is expired
        try (Socket ws = new Socket("127.0.0.1", port)) {
            ws.setSoTimeout(45_000);
            OutputStream out = ws.getOutputStream();
            out.write(RawHttp.head(host(8080, token), "GET", "/ws", Map.of("Connection", "Upgrade", "Upgrade",
                    "websocket", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), -1)
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = ws.getInputStream();
            assertThat(RawHttp.readHeadLines(in).get(0)).contains("101");
            writeFrame(out, "before".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(readFrame(in), StandardCharsets.UTF_8)).isEqualTo("before");

            assertThat(admin("POST", "/api/sandbox/" + id + "/ports/8080/signed-preview-url/" + token + "/expire",
                    null).statusCode()).isEqualTo(204);
            // rechecked every few seconds: the relay to the app ends (no more echoes), and the connection is closed
            // (Tomcat closes an upgraded connection ended off its own threads at its next event: the client's next
            // bytes); polled with a deadline
            ws.setSoTimeout(1_000);
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(40).toNanos();
            boolean closed = false;
            while (!closed && System.nanoTime() < deadline) {
                try {
                    writeFrame(out, "after".getBytes(StandardCharsets.UTF_8));
                    int b0 = in.read();
                    if (b0 < 0) {
                        closed = true;
                    } else {
                        in.readNBytes(in.read() & 0x7f); // an echo from before the recheck: skip it
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // no echo: the relay has ended; the next write lets the server close the connection
                } catch (java.io.IOException e) {
                    closed = true; // reset, or broken pipe on write
                }
            }
            assertThat(closed).as("the upgraded connection was closed after its link expired").isTrue();
        }
        problem(get(host(8080, token), "/hello", Map.of()), 410, "PREVIEW_LINK_EXPIRED");
        assertThat(admin("POST", "/api/sandbox/" + id + "/ports/8081/signed-preview-url/" + token + "/expire", null)
                .statusCode()).as("a link of another port").isEqualTo(404);

        // bad input names what is wrong and makes nothing
        for (String bad : List.of("0", "-5", "abc", "99999999")) {
            var b = admin("GET", "/api/sandbox/" + id + "/ports/8080/signed-preview-url?expiresInSeconds=" + bad, null);
            assertThat(b.statusCode()).as(bad).isEqualTo(400);
            assertThat(json(b).get("message").asString()).contains("expiresInSeconds");
        }
        assertThat(admin("GET", "/api/sandbox/" + id + "/ports/70000/preview-url", null).statusCode()).isEqualTo(400);
    }

    @Test
    void refusalsAreDistinctAndPreviewsReachNothingButTheirOwnSandbox() throws Exception {
        String a = app(sandbox(DEFAULT), 8080);
        String b = sandbox(DEFAULT);
        String tokenA = previewUrl(a, 8080).get("token").asString();
        problem(get(host(8080, "00000000-0000-0000-0000-000000000000"), "/", Map.of()), 404,
                "PREVIEW_SANDBOX_NOT_FOUND");

        // sandbox B listens on every address of its own; A's preview of that port still finds nothing in A
        agent(b).startDetached(ExecRequest.of("python3", "-c", "import http.server as h,sys;s=h.ThreadingHTTPServer("
                + "('0.0.0.0',8081),h.SimpleHTTPRequestHandler);print('ready',flush=True);s.serve_forever()"));
        problem(get(host(8081, a), "/", Map.of("x-daytona-preview-token", tokenA)), 502, "PREVIEW_PORT_CLOSED");
        // nor does a port that only the host (the runner) listens on
        try (ServerSocket hostOnly = new ServerSocket(0)) {
            problem(get(host(hostOnly.getLocalPort(), a), "/", Map.of("x-daytona-preview-token", tokenA)), 502,
                    "PREVIEW_PORT_CLOSED");
        }

        // a stopped sandbox: said, not tried
        assertThat(admin("POST", "/api/sandbox/" + a + "/stop", null).statusCode()).isBetween(200, 299);
        problem(get(host(8080, a), "/hello", Map.of("x-daytona-preview-token", tokenA)), 409,
                "PREVIEW_SANDBOX_NOT_STARTED");
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        byte[] b = new byte[4096];
        while (!seen.toString().contains(marker)) {
            int n = in.read(b);
            if (n < 0) {
                break;
            }
            seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    private static void writeFrame(OutputStream out, byte[] data) throws Exception {
        java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
        f.write(0x81);
        if (data.length < 126) {
            f.write(0x80 | data.length);
        } else if (data.length < 65536) {
            f.write(0x80 | 126);
            f.write(data.length >> 8);
            f.write(data.length & 0xff);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) data.length >> (8 * i)) & 0xff);
            }
        }
        byte[] mask = {1, 2, 3, 4};
        f.write(mask);
        for (int i = 0; i < data.length; i++) {
            f.write(data[i] ^ mask[i % 4]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    private static byte[] readFrame(InputStream in) throws Exception {
        int b0 = in.read();
        int b1 = in.read();
        assertThat(b0 & 0x0f).isEqualTo(1);
        long n = b1 & 0x7f;
        if (n == 126) {
            n = (in.read() << 8) | in.read();
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | in.read();
            }
        }
        return in.readNBytes((int) n);
    }

    private static String sha256(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = new byte[1 << 20];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String patternSha256(long n) throws Exception {
        byte[] pattern = new byte[1 << 20];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i & 0xff);
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (long left = n; left > 0; left -= pattern.length) {
            md.update(pattern, 0, (int) Math.min(left, pattern.length));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
