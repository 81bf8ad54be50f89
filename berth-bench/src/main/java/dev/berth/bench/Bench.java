package dev.berth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.core.command.ExecStartResultCallback;
import dev.berth.runner.RunnerSettings;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.ContainerSpec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Benchmarks that print Berth's figure next to the raw engine's, measured in the same run and
 * interleaved so machine noise hits both alike. Usage:
 * {@code Bench create|exec|snapshot|flood <berthUrl> <apiKey> <dockerHost> [n]}
 */
public final class Bench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;
    private final String key;
    private final DockerContainerEngine engine;

    private Bench(String url, String key, String dockerHost) {
        this.url = url;
        this.key = key;
        this.engine = new DockerContainerEngine(dockerHost);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Bench create|exec|snapshot|warm|flood|network|preview <berthUrl> <apiKey> <dockerHost> [n]");
            System.exit(2);
        }
        var b = new Bench(args[1], args[2], args[3]);
        switch (args[0]) {
            case "create" -> b.create(args.length > 4 ? Integer.parseInt(args[4]) : 20);
            case "exec" -> b.exec(args.length > 4 ? Integer.parseInt(args[4]) : 200);
            case "snapshot" -> b.snapshot(args.length > 4 ? Integer.parseInt(args[4]) : 5);
            case "warm" -> new WarmBench(b.http, b.url, b.key, b.engine).run(
                    args.length > 4 ? Integer.parseInt(args[4]) : 100, args.length > 5 ? Integer.parseInt(args[5]) : 100,
                    args.length > 6 ? Integer.parseInt(args[6]) : 200, java.nio.file.Path.of(System.getProperty(
                            "berth.bench.json", "bench-warm.json")));
            case "preview" -> new PreviewBench(b.http, b.url, b.key).run(args.length > 4 ? Integer.parseInt(args[4]) : 200);
            case "network" -> new NetworkBench(b.http, b.url, b.key).run(args.length > 4 ? Integer.parseInt(args[4]) : 20);
            case "flood" -> new FloodBench(b.http, b.url, b.key)
                    .run(args.length > 4 ? Integer.parseInt(args[4]) : 260);
            default -> throw new IllegalArgumentException("unknown bench " + args[0]);
        }
        b.engine.close();
    }

    private static final int CREATE_WARM_UP = Integer.getInteger("berth.bench.create-warmup", 30);

    private void create(int n) throws Exception {
        List<Double> berth = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        // warm-up rounds: the server's create path is interpreted code until it has run a few dozen times
        for (int i = -CREATE_WARM_UP; i < n; i++) {
            // raw engine: the same image, limits, capabilities and network, straight through docker-java
            String name = "berth-bench-raw-" + UUID.randomUUID();
            var spec = new ContainerSpec(name, "berth/busybox:latest",
                    List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"), List.of(),
                    Map.of(), Map.of("berth.bench", "raw"), 1_000_000_000L, 1L << 30, 1024, RunnerSettings.DEFAULT_CAPS,
                    List.of(), null, "bench", "bridge");
            long t0 = System.nanoTime();
            engine.createAndStart(spec);
            double rawMs = (System.nanoTime() - t0) / 1e6;
            engine.remove(name);

            t0 = System.nanoTime();
            JsonNode sb = post("/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"cpu\":1,\"memory\":1}");
            double berthMs = (System.nanoTime() - t0) / 1e6;
            if (!"started".equals(sb.get("state").asText())) {
                throw new IllegalStateException("sandbox not started: " + sb);
            }
            send("DELETE", "/api/sandbox/" + sb.get("id").asText(), null);
            if (i >= 0) {
                raw.add(rawMs);
                berth.add(berthMs);
            }
        }
        report("cold create -> started", berth, raw, "engine create+start (docker-java)");
    }

    /**
     * A small Dockerfile snapshot ({@code FROM berth/busybox} + one RUN), each round with new content so nothing is
     * cached: Berth's create-to-active (build, push to the registry) next to a raw engine build of the same
     * Dockerfile; then the same Dockerfile again under a new name (Berth reuses the build) and a sandbox created
     * from the same Dockerfile (started at once).
     */
    private void snapshot(int n) throws Exception {
        List<Double> berth = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> reused = new ArrayList<>();
        List<Double> sandbox = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String tag = UUID.randomUUID().toString().substring(0, 8);
            String rawDockerfile = "FROM berth/busybox:latest\nRUN echo raw-" + tag + " > /marker\n";
            var tar = new ByteArrayOutputStream();
            try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(tar)) {
                byte[] c = rawDockerfile.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("Dockerfile");
                e.setSize(c.length);
                out.putArchiveEntry(e);
                out.write(c);
                out.closeArchiveEntry();
            }
            long t0 = System.nanoTime();
            engine.build(new java.io.ByteArrayInputStream(tar.toByteArray()), "Dockerfile", "berth-bench/raw:" + tag,
                    "bridge", 1L << 30, line -> { });
            raw.add((System.nanoTime() - t0) / 1e6);
            engine.untag("berth-bench/raw:" + tag);

            String dockerfile = "FROM berth/busybox\nRUN echo berth-" + tag + " > /marker\n";
            String build = JSON.writeValueAsString(Map.of("dockerfileContent", dockerfile));
            t0 = System.nanoTime();
            post("/api/snapshots", "{\"name\":\"bench-" + tag + "\",\"buildInfo\":" + build + "}");
            awaitActive("bench-" + tag);
            berth.add((System.nanoTime() - t0) / 1e6);

            t0 = System.nanoTime();
            post("/api/snapshots", "{\"name\":\"bench-" + tag + "-again\",\"buildInfo\":" + build + "}");
            awaitActive("bench-" + tag + "-again");
            reused.add((System.nanoTime() - t0) / 1e6);

            t0 = System.nanoTime();
            JsonNode sb = post("/api/sandbox", "{\"buildInfo\":" + build + "}");
            sandbox.add((System.nanoTime() - t0) / 1e6);
            if (!"started".equals(sb.get("state").asText())) {
                throw new IllegalStateException("a sandbox from an already built Dockerfile did not start at once: " + sb);
            }
            send("DELETE", "/api/sandbox/" + sb.get("id").asText(), null);
        }
        report("small Dockerfile snapshot, create -> active (build + push to the registry)", berth, raw,
                "engine build of the same Dockerfile (docker-java, classic builder)");
        System.out.println(Stats.of(reused).line("berth: the same Dockerfile again under a new name -> active (reused)"));
        System.out.println(Stats.of(sandbox).line("berth: create({image}) of an already built Dockerfile -> started"));
    }

    /** Follows the snapshot's build log, which the server ends when the work has ended, then reads its state. */
    private void awaitActive(String name) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url + "/api/snapshots/" + name + "/build-logs?follow=true"))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofMinutes(5)).GET().build();
        http.send(req, HttpResponse.BodyHandlers.discarding());
        JsonNode s = send("GET", "/api/snapshots/" + name, null);
        if (!"active".equals(s.get("state").asText())) {
            throw new IllegalStateException("snapshot " + name + ": " + s);
        }
    }

    /** Steady state is what a long-running server shows: enough calls for the JIT to compile the hot path. */
    private static final int WARM_UP = Integer.getInteger("berth.bench.warmup", 1000);

    /**
     * Warms both paths up (a server's JIT is cold for its first requests; the engine needs none), then
     * alternates blocks of 20 calls: interleaved in time so both see the same machine noise, but in
     * blocks because an engine exec leaves dockerd, containerd and runc cleaning up on these 2 cores,
     * which would otherwise land on the very next Berth call.
     */
    private void exec(int n) throws Exception {
        JsonNode sb = post("/api/sandbox", "{\"snapshot\":\"berth/busybox\"}");
        String id = sb.get("id").asText();
        String container = dev.berth.runner.SandboxRunner.containerName(id);
        DockerClient docker = engine.client();
        List<Double> berth = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        int block = 20;
        try {
            List<Double> cold = new ArrayList<>();
            for (int i = 0; i < WARM_UP; i++) {
                double ms = berthExec(id);
                if (i < 100) {
                    cold.add(ms);
                }
            }
            System.out.println(Stats.of(cold).line("berth, its first 100 calls (cold JIT, not in the figures below)"));
            for (int i = 0; i < 10; i++) {
                rawExec(docker, container);
            }
            while (berth.size() < n) {
                for (int i = 0; i < block && berth.size() < n; i++) {
                    berth.add(berthExec(id));
                }
                for (int i = 0; i < block && raw.size() < n; i++) {
                    raw.add(rawExec(docker, container));
                }
            }
        } finally {
            send("DELETE", "/api/sandbox/" + id, null);
        }
        report("executeCommand(\"echo hi\") via API", berth, raw, "engine exec API (create+start+inspect)");
    }

    private double berthExec(String id) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = post("/api/toolbox/" + id + "/process/execute", "{\"command\":\"echo hi\"}");
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!"hi".equals(r.get("result").asText().trim())) {
            throw new IllegalStateException("unexpected execute result: " + r);
        }
        return ms;
    }

    static double rawExec(DockerClient docker, String container) throws Exception {
        long t0 = System.nanoTime();
        ExecCreateCmdResponse ex = docker.execCreateCmd(container).withCmd("echo", "hi")
                .withAttachStdout(true).withAttachStderr(true).exec();
        var out = new ByteArrayOutputStream();
        docker.execStartCmd(ex.getId()).exec(new ExecStartResultCallback(out, out)).awaitCompletion(30, TimeUnit.SECONDS);
        docker.inspectExecCmd(ex.getId()).exec().getExitCodeLong();
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!out.toString().trim().equals("hi")) {
            throw new IllegalStateException("unexpected engine exec output: " + out);
        }
        return ms;
    }

    private static void report(String what, List<Double> berth, List<Double> raw, String baseline) {
        Stats b = Stats.of(berth);
        Stats r = Stats.of(raw);
        System.out.println(b.line("berth: " + what));
        System.out.println(r.line("baseline: " + baseline));
        System.out.printf("ratio berth/baseline: p50 %.2fx  p99 %.2fx%n", b.p50() / r.p50(), b.p99() / r.p99());
    }

    private JsonNode post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        return send(http, url, key, method, path, body, Duration.ofMinutes(2));
    }

    /** One API call as the bench's key; a non-2xx answer throws with its status and body. */
    static JsonNode send(HttpClient http, String url, String key, String method, String path, String body,
            Duration timeout) throws Exception {
        var req = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key)
                .timeout(timeout);
        if (body != null) {
            req.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }
}
