package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.engine.ContainerEngine;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the integration tests: a real Berth on a random port, driving the real test engine that
 * {@code ./berth test} starts (BERTH_TEST_DOCKER_HOST). Missing infrastructure fails the test
 * instead of skipping it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // defaults a test class may override with its own @DynamicPropertySource (those take precedence here;
        // a second registration of one name in a DynamicPropertySource would be shadowed by this base class's)
        "berth.docker-host=${BERTH_TEST_DOCKER_HOST}",
        "berth.reconciler.interval=1h",
        // no system warm pool: where a context makes berth/default active, its pool's sandboxes would share the
        // engine with every other test (WarmPoolIT makes its own pools; the SDK suite runs with the default one)
        "berth.warm-pools.system.max=0",
        // each context's SSH gateway on a port of its own (many contexts run at once)
        "berth.ssh.port=0",
        // many cached test contexts share one PostgreSQL (max_connections 100): keep each pool small
        "spring.datasource.hikari.maximum-pool-size=8",
        "spring.datasource.hikari.minimum-idle=1"})
public abstract class BerthIT {

    public static final String ADMIN_KEY = "bth_it_admin_key_0123456789";
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    protected int port;

    @Autowired(required = false)
    protected ContainerEngine engine;

    public static String dockerHost() {
        String host = System.getenv("BERTH_TEST_DOCKER_HOST");
        if (host == null || host.isBlank()) {
            throw new IllegalStateException("BERTH_TEST_DOCKER_HOST is not set: run the suite with ./berth test, "
                    + "which starts Berth's test engine");
        }
        return host;
    }

    public static Path imageCache() {
        String dir = System.getenv("BERTH_TEST_IMAGE_CACHE");
        return Path.of(dir == null ? "/var/tmp/berth-test/images" : dir);
    }

    @DynamicPropertySource
    static void berthProperties(DynamicPropertyRegistry registry) throws IOException {
        dockerHost(); // fails early, with the fix, when the suite is not run by ./berth test
        Path data = Files.createTempDirectory("berth-it-");
        registry.add("berth.data-dir", data::toString);
        registry.add("berth.admin-api-key", () -> ADMIN_KEY);
        registry.add("berth.images.cache-dir", () -> imageCache().toString());
        registry.add("berth.images.build-default", () -> "false");
        registry.add("berth.images-dir", () -> System.getProperty("berth.images.dir", "../images"));
        registry.add("berth.object-storage.home", () -> System.getProperty("berth.objectstore.home",
                "../berth-objectstore/target"));
        registry.add("berth.agent-binary", () -> System.getProperty("berth.agent.binary", ""));
    }

    @BeforeEach
    protected void waitUntilHealthy() {
        awaitHealthy(port);
    }

    protected void awaitHealthy(int onPort) {
        Awaitility.await("Berth healthy on " + onPort).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> callOn(onPort, "GET", "/api/health", null, null).statusCode() == 200);
    }

    protected HttpResponse<String> call(String method, String path, String key, String body) {
        return callOn(port, method, path, key, body);
    }

    protected HttpResponse<String> callOn(int onPort, String method, String path, String key, String body) {
        var b = HttpRequest.newBuilder(URI.create("http://localhost:" + onPort + path)).timeout(Duration.ofMinutes(2));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<String> admin(String method, String path, String body) {
        return call(method, path, ADMIN_KEY, body);
    }

    /** {@code GET /api/sandbox/{id}} as the admin. */
    protected JsonNode getSandbox(String id) {
        return ok(admin("GET", "/api/sandbox/" + id, null));
    }

    /** Creates a {@code berth/busybox} sandbox as the admin and checks that it answered {@code started}. */
    protected JsonNode createBusybox() {
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}"));
        assertThat(sb.get("state").asString()).isEqualTo("started");
        return sb;
    }

    protected JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    protected JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return json(r);
    }
}
