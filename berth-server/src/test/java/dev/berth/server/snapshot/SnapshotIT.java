package dev.berth.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import dev.berth.server.registry.SnapshotRegistry;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Snapshots from Dockerfiles and images, built on the embedded engine and stored in the real registry. */
class SnapshotIT extends BerthIT {

    @Autowired
    Tenants tenants;

    @Autowired
    SnapshotRegistry registry;

    private JsonNode awaitSnapshot(String key, String idOrName, String... states) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = ok(call("GET", "/api/snapshots/" + idOrName, key, null));
            return java.util.List.of(states).contains(last[0].get("state").asString());
        });
        return last[0];
    }

    private final java.util.List<String[]> created = new java.util.ArrayList<>();

    /** Remembers a sandbox this test made, so it is deleted afterwards (the runner's capacity is shared by all ITs). */
    private JsonNode track(String key, JsonNode sandbox) {
        created.add(new String[] {key, sandbox.get("id").asString()});
        return sandbox;
    }

    @org.junit.jupiter.api.AfterEach
    void deleteCreated() {
        for (String[] c : created) {
            call("DELETE", "/api/sandbox/" + c[1], c[0], null);
        }
        for (String[] c : created) {
            Awaitility.await().atMost(Duration.ofMinutes(1)).until(() ->
                    call("GET", "/api/sandbox/" + c[1], c[0], null).statusCode() == 404);
        }
        created.clear();
    }

    private String exec(String key, String sandboxId, String command) {
        return ok(call("POST", "/api/toolbox/" + sandboxId + "/process/execute", key,
                JSON.writeValueAsString(java.util.Map.of("command", command)))).get("result").asString();
    }

    @Test
    void dockerfileSnapshotBuildsWithLogsIsStoredAndRunsSandboxes() {
        var t = tenants.owner();
        String dockerfile = "FROM berth/busybox\nRUN echo built-in-a-step > /hello.txt\nENV GREETING=hi\n";
        JsonNode created = ok(call("POST", "/api/snapshots", t.key(), JSON.writeValueAsString(java.util.Map.of(
                "name", "hello-snap", "buildInfo", java.util.Map.of("dockerfileContent", dockerfile)))));
        assertThat(created.get("state").asString()).isIn("pending", "building");
        // the log follows the build to its end
        HttpResponse<String> logs = call("GET", "/api/snapshots/" + created.get("id").asString()
                + "/build-logs?follow=true", t.key(), null);
        assertThat(logs.statusCode()).isEqualTo(200);
        assertThat(logs.body()).contains("RUN echo built-in-a-step").contains("is active");
        JsonNode active = awaitSnapshot(t.key(), "hello-snap", "active", "build_failed");
        assertThat(active.get("state").asString()).as(active.toString()).isEqualTo("active");
        assertThat(active.get("buildInfo").get("dockerfileContent").asString()).isEqualTo(dockerfile);
        assertThat(active.get("size").asLong()).isPositive();
        // the registry holds it
        assertThat(registry.layers(active.get("ref").asString())).isPresent();

        JsonNode sb = track(t.key(), ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"hello-snap\"}")));
        assertThat(sb.get("state").asString()).isEqualTo("started");
        assertThat(exec(t.key(), sb.get("id").asString(), "cat /hello.txt")).contains("built-in-a-step");

        // list (page pagination) and get by id or name
        JsonNode page = ok(call("GET", "/api/snapshots?page=1&limit=1", t.key(), null));
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("total").asLong()).isGreaterThanOrEqualTo(3); // its own + berth/busybox + berth/default
        assertThat(page.get("totalPages").asInt()).isEqualTo(page.get("total").asInt());
        assertThat(ok(call("GET", "/api/snapshots/" + active.get("id").asString(), t.key(), null)).get("name").asString())
                .isEqualTo("hello-snap");

        // deleting a snapshot in use is refused unless forced
        assertThat(call("DELETE", "/api/snapshots/" + active.get("id").asString(), t.key(), null).statusCode())
                .isEqualTo(409);
        // deactivate: no new sandboxes from it; activate again
        ok(call("POST", "/api/snapshots/hello-snap/deactivate", t.key(), null));
        assertThat(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"hello-snap\"}").statusCode()).isEqualTo(503);
        assertThat(ok(call("POST", "/api/snapshots/hello-snap/activate", t.key(), null)).get("state").asString())
                .isEqualTo("active");
        ok(call("DELETE", "/api/sandbox/" + sb.get("id").asString(), t.key(), null));
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                call("DELETE", "/api/snapshots/hello-snap", t.key(), null).statusCode() == 200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                call("GET", "/api/snapshots/hello-snap", t.key(), null).statusCode() == 404);
        assertThat(registry.layers(active.get("ref").asString())).isEmpty();
        assertThat(engine.imageExists(active.get("ref").asString())).isFalse();
    }

    @Test
    void sandboxFromDockerfileWaitsInPendingBuildAndIdenticalBuildsAreReused() {
        var t = tenants.owner();
        String body = JSON.writeValueAsString(java.util.Map.of("buildInfo", java.util.Map.of("dockerfileContent",
                "FROM berth/busybox\nRUN echo from-create > /made.txt\n"), "labels",
                java.util.Map.of("code-toolbox-language", "python")));
        JsonNode sb = track(t.key(), ok(call("POST", "/api/sandbox", t.key(), body)));
        assertThat(sb.get("state").asString()).isIn("pending_build", "building_snapshot");
        String id = sb.get("id").asString();
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(() ->
                !java.util.Set.of("pending_build", "building_snapshot", "creating")
                        .contains(ok(call("GET", "/api/sandbox/" + id, t.key(), null)).get("state").asString()));
        assertThat(ok(call("GET", "/api/sandbox/" + id, t.key(), null)).get("state").asString()).isEqualTo("started");
        assertThat(exec(t.key(), id, "cat /made.txt")).contains("from-create");
        String logsUrl = ok(call("GET", "/api/sandbox/" + id + "/build-logs-url", t.key(), null)).get("url").asString();
        assertThat(logsUrl).endsWith("/api/sandbox/" + id + "/build-logs");
        assertThat(call("GET", "/api/sandbox/" + id + "/build-logs?follow=true", t.key(), null).body())
                .contains("from-create");
        long before = ok(call("GET", "/api/snapshots", t.key(), null)).get("total").asLong();
        // the same Dockerfile again: the build is reused, the sandbox starts at once
        JsonNode again = track(t.key(), ok(call("POST", "/api/sandbox", t.key(), body)));
        assertThat(again.get("state").asString()).isEqualTo("started");
        assertThat(ok(call("GET", "/api/snapshots", t.key(), null)).get("total").asLong()).isEqualTo(before);
    }

    @Test
    void badBuildsEndInBuildFailedWithAReasonAndLeaveNothingBehind() {
        var owner = tenants.owner();
        var other = tenants.owner();
        ok(call("POST", "/api/snapshots", owner.key(), JSON.writeValueAsString(java.util.Map.of("name", "private-base",
                "buildInfo", java.util.Map.of("dockerfileContent", "FROM berth/busybox\nRUN echo secret > /s\n")))));
        JsonNode base = awaitSnapshot(owner.key(), "private-base", "active", "build_failed");
        assertThat(base.get("state").asString()).isEqualTo("active");
        // another organization cannot see it, use it, nor build FROM it (by name or by its image)
        assertThat(call("GET", "/api/snapshots/private-base", other.key(), null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/snapshots/" + base.get("id").asString(), other.key(), null).statusCode())
                .isEqualTo(404);
        assertThat(call("POST", "/api/sandbox", other.key(), "{\"snapshot\":\"private-base\"}").statusCode())
                .isEqualTo(404);
        for (String from : new String[] {"private-base", base.get("ref").asString(),
                registry.remoteRef(base.get("ref").asString())}) {
            String name = "steal-" + Math.abs(from.hashCode());
            ok(call("POST", "/api/snapshots", other.key(), JSON.writeValueAsString(java.util.Map.of("name", name,
                    "buildInfo", java.util.Map.of("dockerfileContent", "FROM " + from + "\nRUN cat /s\n")))));
            JsonNode failed = awaitSnapshot(other.key(), name, "active", "build_failed");
            assertThat(failed.get("state").asString()).isEqualTo("build_failed");
            assertThat(failed.get("errorReason").asString()).contains("no active snapshot named");
        }
        // COPY --from another organization's image is refused the same way
        ok(call("POST", "/api/snapshots", other.key(), JSON.writeValueAsString(java.util.Map.of("name", "copy-steal",
                "buildInfo", java.util.Map.of("dockerfileContent", "FROM berth/busybox\nCOPY --from="
                        + base.get("ref").asString() + " /s /s\n")))));
        assertThat(awaitSnapshot(other.key(), "copy-steal", "active", "build_failed").get("errorReason").asString())
                .contains("COPY --from");
        // a failing step
        ok(call("POST", "/api/snapshots", other.key(), JSON.writeValueAsString(java.util.Map.of("name", "fails",
                "buildInfo", java.util.Map.of("dockerfileContent", "FROM berth/busybox\nRUN exit 3\n")))));
        JsonNode failed = awaitSnapshot(other.key(), "fails", "active", "build_failed");
        assertThat(failed.get("state").asString()).isEqualTo("build_failed");
        assertThat(failed.get("errorReason").asString()).contains("exit 3").doesNotContain("unix://");
        assertThat(registry.layers(failed.get("ref").asString())).isEmpty();
        assertThat(engine.imageExists(failed.get("ref").asString())).isFalse();
        // an image nobody can pull here
        ok(call("POST", "/api/snapshots", other.key(), "{\"name\":\"py\",\"imageName\":\"python:3.12\"}"));
        JsonNode py = awaitSnapshot(other.key(), "py", "active", "error");
        assertThat(py.get("state").asString()).isEqualTo("error");
        assertThat(py.get("errorReason").asString()).contains("cannot pull 'python:3.12'");
        // too large for the organization's quota: error, and nothing stored
        ok(admin("PATCH", "/api/admin/organizations/" + other.orgId() + "/quota", "{\"maxSnapshotSize\":0}"));
        ok(call("POST", "/api/snapshots", other.key(), "{\"name\":\"too-big\",\"imageName\":\"berth/busybox\"}"));
        JsonNode big = awaitSnapshot(other.key(), "too-big", "active", "error");
        assertThat(big.get("state").asString()).isEqualTo("error");
        assertThat(big.get("errorReason").asString()).contains("at most 0 GiB");
        assertThat(registry.layers(big.get("ref").asString())).isEmpty();
        assertThat(engine.imageExists(big.get("ref").asString())).isFalse();
        // the snapshot count quota
        long count = ok(call("GET", "/api/snapshots?limit=200", other.key(), null)).get("items").valueStream()
                .filter(i -> !i.get("general").asBoolean()).count();
        ok(admin("PATCH", "/api/admin/organizations/" + other.orgId() + "/quota", "{\"snapshotQuota\":" + count + "}"));
        assertThat(call("POST", "/api/snapshots", other.key(), "{\"name\":\"one-more\",\"imageName\":\"a\"}")
                .statusCode()).isEqualTo(429);
        ok(admin("PATCH", "/api/admin/organizations/" + other.orgId() + "/quota", "{\"snapshotQuota\":100,"
                + "\"maxSnapshotSize\":20}"));
        // a registry on the host's own loopback (its databases, Redis, the engine) is not pulled from
        ok(call("POST", "/api/snapshots", other.key(), "{\"name\":\"ssrf\",\"imageName\":\"127.0.0.1:6379/x:1\"}"));
        JsonNode ssrf = awaitSnapshot(other.key(), "ssrf", "active", "error");
        assertThat(ssrf.get("errorReason").asString()).contains("private address");
        // bad input answers 4xx naming the field and records nothing
        assertThat(call("POST", "/api/snapshots", other.key(), "{\"name\":\"x\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/snapshots", other.key(), "{\"name\":\"berth/mine\",\"imageName\":\"a\"}")
                .statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/snapshots", other.key(), "{\"name\":\"py\",\"imageName\":\"a\"}").statusCode())
                .isEqualTo(409);
        assertThat(call("POST", "/api/snapshots", other.key(), "{\"name\":\"z\",\"imageName\":\"a\",\"gpu\":1}")
                .statusCode()).isEqualTo(422);
        assertThat(call("POST", "/api/snapshots", other.key(), "{\"name\":\"z\",\"imageName\":\"a\",\"bogus\":1}")
                .statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/snapshots?page=0", other.key(), null).statusCode()).isEqualTo(400);
        // Berth's own snapshots are not an organization's to delete
        String busybox = ok(call("GET", "/api/snapshots?limit=200", other.key(), null)).get("items").valueStream()
                .filter(i -> i.get("name").asString().equals("berth/busybox")).findFirst().orElseThrow().get("id")
                .asString();
        assertThat(call("DELETE", "/api/snapshots/" + busybox, other.key(), null).statusCode()).isEqualTo(403);
    }

    @Test
    void sandboxSnapshotStoresOnlyItsDeltaAndForksSeeTheSourcesFiles() {
        var t = tenants.owner();
        JsonNode sb = track(t.key(), ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"berth/busybox\"}")));
        String id = sb.get("id").asString();
        exec(t.key(), id, "dd if=/dev/urandom of=/data.bin bs=1M count=5 2>/dev/null; echo kept > /note.txt");
        JsonNode answered = ok(call("POST", "/api/sandbox/" + id + "/snapshot", t.key(), "{\"name\":\"with-data\"}"));
        assertThat(answered.get("id").asString()).isEqualTo(id);
        JsonNode snap = ok(call("GET", "/api/snapshots/with-data", t.key(), null));
        assertThat(snap.get("state").asString()).isEqualTo("active");
        assertThat(snap.get("sourceSandboxId").asString()).isEqualTo(id);
        // the registry stores the parent's layers once and this snapshot's delta as one more layer of about 5 MiB
        var parentLayers = registry.layers("berth/busybox:latest").orElseThrow();
        var layers = registry.layers(snap.get("ref").asString()).orElseThrow();
        assertThat(layers).hasSize(parentLayers.size() + 1);
        assertThat(layers.subList(0, parentLayers.size())).isEqualTo(parentLayers);
        long delta = layers.get(layers.size() - 1).size();
        assertThat(delta).isBetween(5L << 20, 6L << 20);
        System.out.println("[figure] registry growth for a 5 MiB write: " + delta + " bytes (compressed layer)");
        JsonNode fromSnap = track(t.key(), ok(call("POST", "/api/sandbox", t.key(), "{\"snapshot\":\"with-data\"}")));
        assertThat(exec(t.key(), fromSnap.get("id").asString(), "cat /note.txt; wc -c < /data.bin")).contains("kept")
                .contains("5242880");
        // a fork has the source's files, its own name, and is independent of the source afterwards
        JsonNode fork = track(t.key(), ok(call("POST", "/api/sandbox/" + id + "/fork", t.key(), "{\"name\":\"the-fork\"}")));
        assertThat(fork.get("state").asString()).isEqualTo("started");
        assertThat(fork.get("name").asString()).isEqualTo("the-fork");
        assertThat(exec(t.key(), fork.get("id").asString(), "cat /note.txt")).contains("kept");
        exec(t.key(), id, "echo changed > /note.txt");
        assertThat(exec(t.key(), fork.get("id").asString(), "cat /note.txt")).contains("kept");
        // another organization cannot snapshot or fork it
        var other = tenants.owner();
        assertThat(call("POST", "/api/sandbox/" + id + "/snapshot", other.key(), "{\"name\":\"x\"}").statusCode())
                .isEqualTo(404);
        assertThat(call("POST", "/api/sandbox/" + id + "/fork", other.key(), "{}").statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/sandbox/" + id + "/snapshot", t.key(), "{\"name\":\"berth/x\"}").statusCode())
                .isEqualTo(400);
    }

    private static software.amazon.awssdk.services.s3.S3Client s3(JsonNode access) {
        return software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(java.net.URI.create(access.get("storageUrl").asString()))
                .region(software.amazon.awssdk.regions.Region.of(access.get("region").asString()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                                access.get("accessKey").asString(), access.get("secret").asString(),
                                access.get("sessionToken").asString())))
                .forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .chunkedEncodingEnabled(false).build())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build();
    }

    private static byte[] tarOf(String name, String content) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(bytes)) {
            byte[] c = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(name);
            e.setSize(c.length);
            tar.putArchiveEntry(e);
            tar.write(c);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    @Test
    void uploadedContextsBuildAndStayWithinTheirOrganization() throws Exception {
        var owner = tenants.owner();
        var other = tenants.owner();
        JsonNode access = ok(call("GET", "/api/object-storage/push-access", owner.key(), null));
        assertThat(access.get("organizationId").asString()).isEqualTo(owner.orgId());
        String hash = "0123456789abcdef0123456789abcdef";
        String key = owner.orgId() + "/" + hash + "/context.tar";
        try (var s3 = s3(access)) {
            s3.putObject(b -> b.bucket(access.get("bucket").asString()).key(key),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(tarOf("app/hello.txt", "from-a-context\n")));
        }
        ok(call("POST", "/api/snapshots", owner.key(), JSON.writeValueAsString(java.util.Map.of("name", "ctx-snap",
                "buildInfo", java.util.Map.of("dockerfileContent", "FROM berth/busybox\nCOPY app/hello.txt /opt/hello.txt\n",
                        "contextHashes", java.util.List.of(hash))))));
        JsonNode built = awaitSnapshot(owner.key(), "ctx-snap", "active", "build_failed");
        assertThat(built.get("state").asString()).as(built.toString()).isEqualTo("active");
        JsonNode sb = track(owner.key(), ok(call("POST", "/api/sandbox", owner.key(), "{\"snapshot\":\"ctx-snap\"}")));
        assertThat(exec(owner.key(), sb.get("id").asString(), "cat /opt/hello.txt")).contains("from-a-context");

        // another organization's credentials neither see nor read it, and what it writes under the owner's prefix
        // lands in its own store, not the owner's
        JsonNode otherAccess = ok(call("GET", "/api/object-storage/push-access", other.key(), null));
        assertThat(otherAccess.get("accessKey").asString()).isNotEqualTo(access.get("accessKey").asString());
        try (var s3 = s3(otherAccess)) {
            String bucket = otherAccess.get("bucket").asString();
            assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix(owner.orgId() + "/")).contents()).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)))
                    .isInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);
            s3.putObject(b -> b.bucket(bucket).key(owner.orgId() + "/" + "f".repeat(32) + "/context.tar"),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(tarOf("evil.txt", "planted\n")));
        }
        try (var s3 = s3(access)) {
            assertThat(s3.listObjectsV2(b -> b.bucket(access.get("bucket").asString())
                    .prefix(owner.orgId() + "/" + "f".repeat(32))).contents()).isEmpty();
        }
        // a forged secret is refused
        var forged = JSON.createObjectNode().setAll((tools.jackson.databind.node.ObjectNode) otherAccess);
        forged.put("accessKey", access.get("accessKey").asString());
        try (var s3 = s3(forged)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(
                    access.get("bucket").asString()).key(key)))
                    .isInstanceOf(software.amazon.awssdk.services.s3.model.S3Exception.class)
                    .satisfies(e -> assertThat(((software.amazon.awssdk.services.s3.model.S3Exception) e).statusCode())
                            .isEqualTo(403));
        }
        // building with the owner's context hash from the other organization fails: it was not uploaded there
        ok(call("POST", "/api/snapshots", other.key(), JSON.writeValueAsString(java.util.Map.of("name", "ctx-steal",
                "buildInfo", java.util.Map.of("dockerfileContent", "FROM berth/busybox\nCOPY app/hello.txt /x\n",
                        "contextHashes", java.util.List.of(hash))))));
        JsonNode stolen = awaitSnapshot(other.key(), "ctx-steal", "active", "build_failed");
        assertThat(stolen.get("state").asString()).isEqualTo("build_failed");
        assertThat(stolen.get("errorReason").asString()).contains("was not uploaded by this organization");
    }
}
