package dev.berth.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * {@code ./berth bench flood [n]}: /api/health latency idle, then while one tenant floods long executes
 * ({@code n} concurrent {@code sleep 20}, far over its long-operation limit), and the ratio. The flood's answers
 * are counted by status (the excess is 429 at once). Issue 9 finding 4 took health to 21.9 s with 260.
 */
final class FloodBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int SAMPLES = 200;
    private final HttpClient http;
    private final String url;
    private final String key;

    FloodBench(HttpClient http, String url, String key) {
        this.http = http;
        this.url = url;
        this.key = key;
    }

    void run(int flood) throws Exception {
        String id = JSON.readTree(send("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}").body())
                .get("id").asText();
        try {
            health(SAMPLES); // warm-up
            Stats idle = Stats.of(health(SAMPLES));
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < flood; i++) {
                calls.add(http.sendAsync(request("POST", "/api/toolbox/" + id + "/process/execute",
                        "{\"command\":\"sleep 20\",\"timeout\":60}"), HttpResponse.BodyHandlers.ofString()));
            }
            List<Double> during = health(SAMPLES);
            Stats flooded = Stats.of(during);
            Map<Integer, Integer> statuses = new TreeMap<>();
            calls.forEach(c -> statuses.merge(c.join().statusCode(), 1, Integer::sum));
            System.out.println(idle.line("health, idle"));
            System.out.println(flooded.line("health, " + flood + " x sleep 20 in flight"));
            System.out.printf("ratio flooded/idle: p50 %.2fx  p99 %.2fx%n", flooded.p50() / idle.p50(),
                    flooded.p99() / idle.p99());
            System.out.printf("slowest health call during the flood: %.1f ms%n",
                    during.stream().mapToDouble(Double::doubleValue).max().orElse(0));
            System.out.println("flood answers by status: " + statuses);
        } finally {
            send("DELETE", "/api/sandbox/" + id, null);
        }
    }

    private List<Double> health(int n) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            ms.add((System.nanoTime() - t0) / 1e6);
            if (r.statusCode() != 200) {
                throw new IllegalStateException("health -> " + r.statusCode());
            }
        }
        return ms;
    }

    private HttpRequest request(String method, String path, String body) {
        var b = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofMinutes(2));
        if (body == null) {
            return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r;
    }
}
