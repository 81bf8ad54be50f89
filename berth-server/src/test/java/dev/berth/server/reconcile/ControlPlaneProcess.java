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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;

/** A control-plane instance in its own JVM (server mode), so a test can kill -9 it. */
final class ControlPlaneProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final int port;
    private final String dbUrl;
    private final List<String> extraArgs;
    private final java.nio.file.Path dataDir;
    private Process process;

    ControlPlaneProcess(String name, String dbUrl) throws IOException {
        this(name, dbUrl, List.of("--berth.embedded-runner=false"));
    }

    /** @param extraArgs settings added to (and overriding) the defaults, e.g. an embedded runner's */
    ControlPlaneProcess(String name, String dbUrl, List<String> extraArgs) throws IOException {
        this.name = name;
        this.dbUrl = dbUrl;
        this.extraArgs = List.copyOf(extraArgs);
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
        List<String> cmd = new java.util.ArrayList<>(List.of(FleetEngines.java(), "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                "dev.berth.server.BerthServerApplication", "--server.port=" + port,
                "--spring.datasource.url=" + dbUrl, "--spring.datasource.username=postgres",
                "--spring.datasource.password=", "--spring.datasource.hikari.maximum-pool-size=5",
                "--berth.data-dir=" + dataDir,
                "--berth.admin-api-key=" + BerthIT.ADMIN_KEY, "--berth.images.cache-dir=" + BerthIT.imageCache(),
                "--berth.images.build-default=false",
                "--berth.images-dir=" + System.getProperty("berth.images.dir", "../images"),
                "--berth.agent-binary=" + System.getProperty("berth.agent.binary", ""),
                "--berth.runners.unresponsive-after=5s", "--berth.runners.lost-after=120s",
                "--berth.reconciler.transition-timeout=20s", "--berth.reconciler.orphan-grace=5s",
                "--berth.reconciler.action-grace=5s"));
        cmd.addAll(extraArgs);
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
