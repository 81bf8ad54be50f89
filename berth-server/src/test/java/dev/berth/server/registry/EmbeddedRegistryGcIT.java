package dev.berth.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.RegistryAuth;
import dev.berth.server.BerthIT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The embedded registry frees the layers of deleted snapshots when Berth starts it again. */
class EmbeddedRegistryGcIT {

    private static long blobs(Path dir) throws Exception {
        Path root = dir.resolve("registry/data/docker/registry/v2/blobs");
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("data")).count();
        }
    }

    @Test
    void deletedImagesLeaveTheDiskAtTheNextStart() throws Exception {
        Path data = Files.createTempDirectory("berth-registry-gc");
        var registry = new EmbeddedRegistry(data, Path.of("/usr/bin/docker-registry"), 0, Duration.ofSeconds(30));
        registry.start();
        String ref = registry.host() + "/berth-snapshot/gc-test:latest";
        var auth = new RegistryAuth(registry.host(), EmbeddedRegistry.USER, registry.password());
        try (var engine = new DockerContainerEngine(BerthIT.dockerHost())) {
            new dev.berth.runner.image.BaseImageBuilder(engine, Path.of(System.getProperty("berth.images.dir", "../images")),
                    BerthIT.imageCache(), Duration.ofMinutes(10)).ensure(dev.berth.runner.image.BaseImage.BUSYBOX);
            engine.tag("berth/busybox:latest", ref);
            engine.push(ref, auth, line -> { });
            engine.untag(ref);
        }
        long stored = blobs(data);
        assertThat(stored).isPositive();

        HttpClient http = HttpClient.newHttpClient();
        String basic = "Basic " + Base64.getEncoder().encodeToString((EmbeddedRegistry.USER + ":" + registry.password())
                .getBytes(StandardCharsets.UTF_8));
        URI manifest = URI.create("http://" + registry.host() + "/v2/berth-snapshot/gc-test/manifests/latest");
        String digest = http.send(HttpRequest.newBuilder(manifest).header("Authorization", basic)
                        .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                .headers().firstValue("Docker-Content-Digest").orElseThrow();
        int deleted = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                + "/v2/berth-snapshot/gc-test/manifests/" + digest)).header("Authorization", basic).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(deleted).isEqualTo(202);
        assertThat(blobs(data)).isEqualTo(stored); // a running registry keeps the layers
        registry.close();

        var again = new EmbeddedRegistry(data, Path.of("/usr/bin/docker-registry"), 0, Duration.ofSeconds(30));
        again.start();
        try {
            assertThat(blobs(data)).isLessThan(stored);
            System.out.println("[figure] registry blobs before/after the start-up garbage collection: " + stored + " -> "
                    + blobs(data));
        } finally {
            again.close();
        }
    }
}
