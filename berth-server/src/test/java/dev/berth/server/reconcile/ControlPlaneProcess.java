package dev.berth.server.reconcile;

import dev.berth.server.BerthIT;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;

/** A control-plane instance in its own JVM (server mode), so a test can kill -9 it. */
final class ControlPlaneProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final String dbUrl;
    private final Map<String, String> overrides;
    private final Path dataDir;
    private Process process;

    ControlPlaneProcess(String name, String dbUrl) throws IOException {
        this(name, dbUrl, Map.of("berth.embedded-runner", "false"));
    }

    /** @param overrides settings added to (or replacing) the defaults, e.g. an embedded runner's */
    ControlPlaneProcess(String name, String dbUrl, Map<String, String> overrides) throws IOException {
        this.name = name;
        this.dbUrl = dbUrl;
        this.overrides = Map.copyOf(overrides);
        // kept across restarts: it holds the runner's agent-token key
        this.dataDir = Files.createTempDirectory("berth-it-cp-");
        try (var s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    String url() {
        return "http://localhost:" + port;
    }

    ControlPlaneProcess start() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.port", Integer.toString(port));
        settings.put("spring.datasource.url", dbUrl);
        settings.put("spring.datasource.username", "postgres");
        settings.put("spring.datasource.password", "");
        settings.put("spring.datasource.hikari.maximum-pool-size", "5");
        settings.put("berth.data-dir", dataDir.toString());
        settings.put("berth.admin-api-key", BerthIT.ADMIN_KEY);
        settings.put("berth.images.cache-dir", BerthIT.imageCache().toString());
        settings.put("berth.images.build-default", "false");
        settings.put("berth.images-dir", System.getProperty("berth.images.dir", "../images"));
        settings.put("berth.object-storage.home", System.getProperty("berth.objectstore.home",
                "../berth-objectstore/target"));
        settings.put("berth.agent-binary", System.getProperty("berth.agent.binary", ""));
        settings.put("berth.runners.unresponsive-after", "5s");
        settings.put("berth.runners.lost-after", "120s");
        settings.put("berth.reconciler.transition-timeout", "20s");
        settings.put("berth.reconciler.orphan-grace", "5s");
        settings.put("berth.reconciler.action-grace", "5s");
        // every replica on this host would bind the SSH gateway's default port 2222: the second would fail to start
        settings.put("berth.ssh.port", "0");
        settings.putAll(overrides); // a setting given twice on the command line would be read as "a,b"
        List<String> cmd = new ArrayList<>(List.of(FleetEngines.java(), "-Xmx384m", "-cp",
                System.getProperty("java.class.path"), "dev.berth.server.BerthServerApplication"));
        settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/cp-" + name + ".log"))).start();
        Awaitility.await(name + " up").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited; see target/cp-" + name + ".log");
                    }
                    try {
                        return call("GET", "/api/runners", null).statusCode() == 200;
                    } catch (IllegalStateException notYet) {
                        return false; // not listening yet
                    }
                });
        return this;
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    HttpResponse<String> call(String method, String path, String body) {
        try {
            return HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " on " + name + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    CompletableFuture<HttpResponse<String>> callAsync(String method, String path, String body) {
        return HTTP.sendAsync(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String method, String path, String body) {
        var b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + BerthIT.ADMIN_KEY);
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
