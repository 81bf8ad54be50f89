package dev.berth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What network policies cost, each figure next to the same thing without a policy, in one run: create -> started
 * with an allow list vs without (both cold), a policy change on a running sandbox vs a label change (an API write
 * that touches no runner), and TCP throughput from a sandbox to a server in a network namespace standing in for the
 * internet (198.51.100.50, routed from the host over a veth pair: nothing leaves the machine) with an allow list
 * (the packets pass the sandbox's own chain) vs the defaults only.
 */
final class NetworkBench {

    private static final String NS = "bbinet";
    private static final String SINK = "198.51.100.50";

    private final HttpClient http;
    private final String url;
    private final String key;

    NetworkBench(HttpClient http, String url, String key) {
        this.http = http;
        this.url = url;
        this.key = key;
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        return Bench.send(http, url, key, method, path, body, Duration.ofMinutes(2));
    }

    void run(int n) throws Exception {
        Process sink = netns();
        try {
            measure(n);
        } finally {
            sink.destroyForcibly();
            quiet("ip", "route", "del", SINK + "/32");
            quiet("ip", "link", "del", "v" + NS);
            quiet("ip", "netns", "del", NS);
        }
    }

    private void measure(int n) throws Exception {
        String plainBody = "{\"snapshot\":\"berth/busybox\"}";
        String policyBody = "{\"snapshot\":\"berth/busybox\",\"networkAllowList\":\"198.51.100.0/24\"}";
        for (int i = 0; i < 10; i++) { // warm-up: the server's create path and the runner's nft calls
            send("DELETE", "/api/sandbox/" + create(i % 2 == 0 ? plainBody : policyBody).id(), null);
        }
        List<Double> plain = new ArrayList<>();
        List<Double> withPolicy = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Created a = create(plainBody);
            Created b = create(policyBody);
            plain.add(a.ms());
            withPolicy.add(b.ms());
            send("DELETE", "/api/sandbox/" + a.id(), null);
            send("DELETE", "/api/sandbox/" + b.id(), null);
        }

        String open = create(plainBody).id();
        String allowed = create(policyBody).id();
        List<Double> updates = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        for (int i = 0; i < n * 2; i++) {
            long t0 = System.nanoTime();
            send("POST", "/api/sandbox/" + open + "/network-settings",
                    i % 2 == 0 ? "{\"networkBlockAll\":true}" : "{\"networkBlockAll\":false}");
            updates.add((System.nanoTime() - t0) / 1e6);
            t0 = System.nanoTime();
            send("PUT", "/api/sandbox/" + open + "/labels", "{\"labels\":{\"round\":\"" + i + "\"}}");
            labels.add((System.nanoTime() - t0) / 1e6);
        }
        send("POST", "/api/sandbox/" + open + "/network-settings", "{\"networkBlockAll\":false}");

        List<Double> openMiBs = new ArrayList<>();
        List<Double> policyMiBs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            openMiBs.add(throughput(open));
            policyMiBs.add(throughput(allowed));
        }
        send("DELETE", "/api/sandbox/" + open, null);
        send("DELETE", "/api/sandbox/" + allowed, null);

        Stats p = Stats.of(plain);
        Stats w = Stats.of(withPolicy);
        Stats u = Stats.of(updates);
        Stats l = Stats.of(labels);
        Stats to = Stats.of(openMiBs);
        Stats tp = Stats.of(policyMiBs);
        System.out.println();
        System.out.printf("%-58s %9s %9s%n", "network policy cost (one run)", "p50", "p99");
        System.out.printf("%-58s %9.1f %9.1f ms%n", "create -> started, no policy (cold)", p.p50(), p.p99());
        System.out.printf("%-58s %9.1f %9.1f ms  (%.2fx)%n", "create -> started, networkAllowList (cold)", w.p50(),
                w.p99(), w.p50() / p.p50());
        System.out.printf("%-58s %9.1f %9.1f ms%n", "label change (an API write, no runner call)", l.p50(), l.p99());
        System.out.printf("%-58s %9.1f %9.1f ms  (%.2fx)%n", "network-settings change on a running sandbox", u.p50(),
                u.p99(), u.p50() / l.p50());
        System.out.printf("%-58s %9.1f %9s MiB/s%n", "TCP to the namespace's sink, defaults only (median of 5)",
                to.p50(), "");
        System.out.printf("%-58s %9.1f %9s MiB/s  (%.2fx)%n", "TCP to the sink through an allow list (median of 5)",
                tp.p50(), "", tp.p50() / to.p50());
        var json = Map.of("createNoPolicyP50Ms", p.p50(), "createAllowListP50Ms", w.p50(), "labelChangeP50Ms", l.p50(),
                "networkChangeP50Ms", u.p50(), "throughputDefaultsMiBs", to.p50(), "throughputAllowListMiBs", tp.p50());
        java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("berth.bench.json",
                "bench-network.json")), new com.fasterxml.jackson.databind.ObjectMapper()
                .writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    private record Created(String id, double ms) {
    }

    private Created create(String body) throws Exception {
        long t0 = System.nanoTime();
        JsonNode sb = send("POST", "/api/sandbox", body);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!"started".equals(sb.get("state").asText())) {
            throw new IllegalStateException("not started: " + sb);
        }
        return new Created(sb.get("id").asText(), ms);
    }

    /** 64 MiB from the sandbox to the sink, timed inside the sandbox (busybox: date +%s%N is not there; time is). */
    private double throughput(String id) throws Exception {
        JsonNode r = send("POST", "/api/toolbox/" + id + "/process/execute", "{\"command\":\"sh -c 'time sh -c "
                + "\\\"dd if=/dev/zero bs=65536 count=1024 2>/dev/null | nc -w 5 " + SINK + " 9000\\\" 2>&1'\","
                + "\"timeout\":60}");
        String out = r.get("result").asText();
        // busybox time: "real\t0m 0.41s"
        var m = java.util.regex.Pattern.compile("real\\s+(\\d+)m\\s*([0-9.]+)s").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no timing in: " + out);
        }
        double s = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
        return 64 / s;
    }

    /** The namespace and its sink (a TCP server that reads and discards). */
    private static Process netns() throws Exception {
        quiet("ip", "route", "del", SINK + "/32");
        quiet("ip", "link", "del", "v" + NS);
        quiet("ip", "netns", "del", NS);
        sh("ip", "netns", "add", NS);
        sh("ip", "link", "add", "v" + NS, "type", "veth", "peer", "name", "vi" + NS);
        sh("ip", "link", "set", "vi" + NS, "netns", NS);
        sh("ip", "addr", "add", "198.18.90.1/30", "dev", "v" + NS);
        sh("ip", "link", "set", "v" + NS, "up");
        sh("ip", "netns", "exec", NS, "ip", "addr", "add", "198.18.90.2/30", "dev", "vi" + NS);
        sh("ip", "netns", "exec", NS, "ip", "link", "set", "vi" + NS, "up");
        sh("ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up");
        sh("ip", "netns", "exec", NS, "ip", "addr", "add", SINK + "/32", "dev", "lo");
        sh("ip", "netns", "exec", NS, "ip", "route", "add", "default", "via", "198.18.90.1");
        sh("ip", "route", "replace", SINK + "/32", "via", "198.18.90.2");
        return new ProcessBuilder("ip", "netns", "exec", NS, "python3", "-c",
                "import socket,threading\ns=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                        + "s.bind(('" + SINK + "',9000)); s.listen(16)\n"
                        + "def drain(c):\n  while c.recv(1<<20): pass\n  c.close()\n"
                        + "while True:\n  c,_=s.accept(); threading.Thread(target=drain,args=(c,),daemon=True).start()\n")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + out);
        }
    }

    private static void quiet(String... cmd) {
        try {
            sh(cmd);
        } catch (Exception e) {
            // not there
        }
    }
}
