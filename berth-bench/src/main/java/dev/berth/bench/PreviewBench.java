package dev.berth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a preview URL costs, next to the same request without Berth in the same run: a small GET (a 13-byte page)
 * through {@code <port>-<id>.localhost} vs straight to the sandbox's address on the bridge (the app also listens
 * there for this baseline), each on a fresh connection; the same GET made inside the sandbox (busybox wget in a
 * loop, per request); and the throughput of a 100 MiB download both ways. The app is busybox httpd.
 */
final class PreviewBench {

    private final HttpClient http;
    private final String url;
    private final String key;
    private final int berthPort;

    PreviewBench(HttpClient http, String url, String key) {
        this.http = http;
        this.url = url;
        this.key = key;
        this.berthPort = java.net.URI.create(url).getPort();
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        return Bench.send(http, url, key, method, path, body, Duration.ofMinutes(5));
    }

    private String exec(String id, String command) throws Exception {
        JsonNode r = send("POST", "/api/toolbox/" + id + "/process/execute",
                "{\"command\":" + com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                        .writeValueAsString(command) + ",\"timeout\":300}");
        if (r.get("exitCode").asInt() != 0) {
            throw new IllegalStateException(command + " -> " + r);
        }
        return r.get("result").asText().trim();
    }

    void run(int n) throws Exception {
        String id = send("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}").get("id").asText();
        try {
            exec(id, "sh -c 'mkdir -p /tmp/www && echo hello-preview > /tmp/www/small && head -c 104857600 /dev/zero "
                    + "> /tmp/www/big && busybox httpd -p 127.0.0.1:8080 -h /tmp/www && busybox httpd -p 0.0.0.0:8081 "
                    + "-h /tmp/www && echo up'");
            String ip = exec(id, "sh -c \"ip -o -4 addr show eth0 | awk '{print \\$4}' | cut -d/ -f1\"");
            JsonNode link = send("GET", "/api/sandbox/" + id + "/ports/8080/preview-url", null);
            String token = link.get("token").asText();
            String host = "8080-" + id + ".localhost:" + berthPort;
            Map<String, String> auth = Map.of("x-daytona-preview-token", token);

            for (int i = 0; i < Math.max(50, n / 4); i++) { // warm-up: JIT and the relay path
                get("127.0.0.1", berthPort, host, "/small", auth);
                get(ip, 8081, ip + ":8081", "/small", Map.of());
            }
            List<Double> proxied = new ArrayList<>();
            List<Double> direct = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                proxied.add(get("127.0.0.1", berthPort, host, "/small", auth));
                direct.add(get(ip, 8081, ip + ":8081", "/small", Map.of()));
            }
            // /proc/uptime has 10 ms resolution: over n requests that is plenty for a per-request mean
            String[] span = exec(id, "sh -c 'a=$(cut -d\" \" -f1 /proc/uptime); i=0; while [ $i -lt " + n + " ]; do "
                    + "wget -q -O /dev/null http://127.0.0.1:8080/small; i=$((i+1)); done; "
                    + "b=$(cut -d\" \" -f1 /proc/uptime); echo $a $b'").split("\\s+");
            double insideMs = (Double.parseDouble(span[1]) - Double.parseDouble(span[0])) * 1000 / n;

            Stats p = Stats.of(proxied);
            Stats d = Stats.of(direct);
            System.out.println(p.line("berth: small GET via preview URL"));
            System.out.println(d.line("baseline: same GET to the bridge IP"));
            System.out.printf("ratio berth/baseline: p50 %.2fx  p99 %.2fx%n", p.p50() / d.p50(), p.p99() / d.p99());
            System.out.printf("inside the sandbox (busybox wget per request, incl. its process start): mean %.1f ms%n",
                    insideMs);

            double viaMbs = throughput("127.0.0.1", berthPort, host, auth);
            double directMbs = throughput(ip, 8081, ip + ":8081", Map.of());
            System.out.printf("100 MiB download: preview %.0f MiB/s, bridge IP %.0f MiB/s, ratio %.2fx%n", viaMbs,
                    directMbs, viaMbs / directMbs);
        } finally {
            send("DELETE", "/api/sandbox/" + id, null);
        }
    }

    private double throughput(String addr, int port, String host, Map<String, String> headers) throws IOException {
        double best = 0;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            long bytes = fetch(addr, port, host, "/big", headers);
            double s = (System.nanoTime() - t0) / 1e9;
            if (bytes != 100L << 20) {
                throw new IllegalStateException("downloaded " + bytes + " bytes, expected 100 MiB");
            }
            best = Math.max(best, 100 / s);
        }
        return best;
    }

    private static double get(String addr, int port, String host, String path, Map<String, String> headers)
            throws IOException {
        long t0 = System.nanoTime();
        long n = fetch(addr, port, host, path, headers);
        if (n <= 0) {
            throw new IllegalStateException("empty answer from " + host + path);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /** One GET on a fresh connection, read to the end; returns the body's byte count (a 200 is required). */
    private static long fetch(String addr, int port, String host, String path, Map<String, String> headers)
            throws IOException {
        try (Socket s = new Socket(addr, port)) {
            s.setSoTimeout(60_000);
            s.setTcpNoDelay(true);
            StringBuilder req = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host)
                    .append("\r\nConnection: close\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            OutputStream out = s.getOutputStream();
            out.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256 * 1024];
            long total = 0;
            int headEnd = -1;
            StringBuilder head = new StringBuilder();
            for (int r; (r = in.read(buf)) >= 0; ) {
                if (headEnd < 0) {
                    head.append(new String(buf, 0, r, StandardCharsets.ISO_8859_1));
                    int idx = head.indexOf("\r\n\r\n");
                    if (idx >= 0) {
                        headEnd = idx;
                        if (!head.toString().startsWith("HTTP/1.1 200") && !head.toString().startsWith("HTTP/1.0 200")) {
                            throw new IllegalStateException(host + path + " -> " + head.substring(0,
                                    Math.min(head.length(), 300)));
                        }
                        total = head.length() - idx - 4;
                    }
                } else {
                    total += r;
                }
            }
            return total;
        }
    }
}
