package dev.berth.server.registry;

import dev.berth.core.error.EngineException;
import dev.berth.runner.engine.RegistryAuth;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OCI registry that stores every snapshot. A snapshot's image has one engine-local name
 * ({@code berth-snapshot/<id>:latest}, or a base image's {@code berth/default:latest}); in the registry it is the
 * same name under the registry's host, so any runner that has the registry's address and credentials can pull
 * it and give it its local name. The registry is reached over its HTTP API for what engines do not tell
 * (manifests, layer sizes, deletion).
 */
@Component
public class SnapshotRegistry {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ACCEPT = String.join(",",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.oci.image.manifest.v1+json");

    private final RegistryProperties props;
    private final java.nio.file.Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EmbeddedRegistry embedded;
    private RegistryAuth auth;

    public SnapshotRegistry(RegistryProperties props,
            @org.springframework.beans.factory.annotation.Value("${berth.data-dir}") java.nio.file.Path dataDir) {
        this.props = props;
        this.dataDir = dataDir;
    }

    @PostConstruct
    void start() throws IOException {
        if (props.embedded()) {
            embedded = new EmbeddedRegistry(dataDir, props.binary(), props.port(), props.startTimeout());
            embedded.start();
            auth = new RegistryAuth(embedded.host(), EmbeddedRegistry.USER, embedded.password());
        } else {
            auth = new RegistryAuth(props.url().replaceFirst("^https?://", "").replaceAll("/+$", ""), props.username(),
                    props.password());
        }
    }

    @Scheduled(fixedDelayString = "5s")
    void supervise() {
        if (embedded != null) {
            embedded.supervise();
        }
    }

    @PreDestroy
    void stop() {
        if (embedded != null) {
            embedded.close();
        }
    }

    /** The registry's address and credentials, as engines use them. */
    public RegistryAuth auth() {
        return auth;
    }

    /** The image's name in the registry. */
    public String remoteRef(String localRef) {
        return auth.host() + "/" + localRef;
    }

    /** One layer of a stored image. */
    public record Layer(String digest, long size) {
    }

    /** The layers of a stored image, lowest first; empty when the registry does not hold it. */
    public Optional<List<Layer>> layers(String localRef) {
        String[] rt = split(localRef);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/v2/" + rt[0] + "/manifests/" + rt[1]))
                .header("Accept", ACCEPT).GET());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        check(r, "read the manifest of " + localRef);
        JsonNode m = JSON.readTree(r.body());
        List<Layer> layers = new ArrayList<>();
        for (JsonNode l : m.path("layers")) {
            layers.add(new Layer(l.path("digest").asString(), l.path("size").asLong()));
        }
        return Optional.of(layers);
    }

    /**
     * The layers of a stored image after checking that the registry holds its manifest, its config and every layer
     * blob (a manifest alone does not prove its blobs arrived); throws naming what is missing.
     */
    public List<Layer> verify(String localRef) {
        String[] rt = split(localRef);
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/v2/" + rt[0] + "/manifests/" + rt[1]))
                .header("Accept", ACCEPT).GET());
        if (r.statusCode() == 404) {
            throw new EngineException("the registry at " + auth.host() + " does not hold " + localRef + " after its push");
        }
        check(r, "read the manifest of " + localRef);
        JsonNode m = JSON.readTree(r.body());
        List<String> blobs = new ArrayList<>();
        blobs.add(m.path("config").path("digest").asString());
        List<Layer> layers = new ArrayList<>();
        for (JsonNode l : m.path("layers")) {
            layers.add(new Layer(l.path("digest").asString(), l.path("size").asLong()));
            blobs.add(l.path("digest").asString());
        }
        if (layers.isEmpty()) {
            throw new EngineException("the registry's manifest of " + localRef + " lists no layers");
        }
        for (String digest : blobs) {
            HttpResponse<byte[]> head = send(HttpRequest.newBuilder(url("/v2/" + rt[0] + "/blobs/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));
            if (head.statusCode() / 100 != 2) {
                throw new EngineException("the registry at " + auth.host() + " lacks blob " + digest + " of " + localRef
                        + " (HTTP " + head.statusCode() + ")");
            }
        }
        return layers;
    }

    /** The tags of a repository; empty when the registry does not know it. */
    public List<String> tags(String repository) {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/v2/" + repository + "/tags/list")).GET());
        if (r.statusCode() == 404) {
            return List.of();
        }
        check(r, "list the tags of " + repository);
        List<String> tags = new ArrayList<>();
        for (JsonNode t : JSON.readTree(r.body()).path("tags")) {
            tags.add(t.asString());
        }
        return tags;
    }

    /** Deletes every tagged image of a repository (its blobs go at the registry's next garbage collection). */
    public void deleteRepository(String repository) {
        for (String tag : tags(repository)) {
            delete(repository + ":" + tag);
        }
    }

    /**
     * Stores image {@code source} under the name {@code target} too, inside the registry: its blobs are mounted
     * into the new repository (nothing is copied) and its manifest put there. No engine is involved.
     */
    public void copy(String source, String target) {
        String[] src = split(source);
        String[] dst = split(target);
        HttpResponse<byte[]> m = send(HttpRequest.newBuilder(url("/v2/" + src[0] + "/manifests/" + src[1]))
                .header("Accept", ACCEPT).GET());
        if (m.statusCode() == 404) {
            throw new EngineException("the registry does not hold " + source);
        }
        check(m, "read the manifest of " + source);
        mount(source, blobs(JSON.readTree(m.body())), dst[0]);
        String type = m.headers().firstValue("Content-Type").orElse("application/vnd.docker.distribution.manifest.v2+json");
        HttpResponse<byte[]> put = send(HttpRequest.newBuilder(url("/v2/" + dst[0] + "/manifests/" + dst[1]))
                .header("Content-Type", type).PUT(HttpRequest.BodyPublishers.ofByteArray(m.body())));
        check(put, "store the manifest of " + target);
    }

    /**
     * Mounts the blobs of stored image {@code source} into {@code repository} (nothing is copied), so that an engine's
     * push there of an image built on {@code source} finds them and uploads (and compresses) only its own layers.
     */
    public void mountInto(String source, String repository) {
        String[] src = split(source);
        HttpResponse<byte[]> m = send(HttpRequest.newBuilder(url("/v2/" + src[0] + "/manifests/" + src[1]))
                .header("Accept", ACCEPT).GET());
        if (m.statusCode() == 404) {
            throw new EngineException("the registry does not hold " + source);
        }
        check(m, "read the manifest of " + source);
        mount(source, blobs(JSON.readTree(m.body())), repository);
    }

    private static List<String> blobs(JsonNode manifest) {
        List<String> digests = new ArrayList<>();
        digests.add(manifest.path("config").path("digest").asString());
        for (JsonNode l : manifest.path("layers")) {
            digests.add(l.path("digest").asString());
        }
        return digests;
    }

    private void mount(String source, List<String> digests, String repository) {
        String from = split(source)[0];
        for (String digest : digests) {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/uploads/?mount="
                    + digest + "&from=" + from)).POST(HttpRequest.BodyPublishers.noBody()));
            if (r.statusCode() != 201) {
                throw new EngineException("the registry could not mount blob " + digest + " of " + source + " into "
                        + repository + " (HTTP " + r.statusCode() + ")");
            }
        }
    }

    /** Removes an image's manifest from the registry (its layers go at the registry's next garbage collection). */
    public void delete(String localRef) {
        String[] rt = split(localRef);
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(url("/v2/" + rt[0] + "/manifests/" + rt[1]))
                .header("Accept", ACCEPT).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (head.statusCode() == 404) {
            return;
        }
        check(head, "find the manifest of " + localRef);
        String digest = head.headers().firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new EngineException("the registry gave no digest for " + localRef));
        HttpResponse<byte[]> del = send(HttpRequest.newBuilder(url("/v2/" + rt[0] + "/manifests/" + digest)).DELETE());
        if (del.statusCode() != 404) {
            check(del, "delete " + localRef);
        }
    }

    private URI url(String path) {
        return URI.create("http://" + auth.host() + path);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder b) {
        if (auth.username() != null && !auth.username().isBlank()) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (auth.username() + ":" + auth.password()).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new EngineException("the snapshot registry at " + auth.host() + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while talking to the snapshot registry", e);
        }
    }

    private static void check(HttpResponse<byte[]> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw new EngineException("the snapshot registry could not " + what + " (HTTP " + r.statusCode() + ")");
        }
    }

    static String[] split(String ref) {
        int slash = ref.lastIndexOf('/');
        int colon = ref.lastIndexOf(':');
        return colon > slash ? new String[] {ref.substring(0, colon), ref.substring(colon + 1)}
                : new String[] {ref, "latest"};
    }
}
