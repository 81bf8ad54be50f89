package dev.berth.server.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One control plane (no embedded runner) and two runner processes, each with its own Docker
 * engine (own socket, data-root, exec-root, bridge), one speaking runner protocol v1 and one v2.
 */
class RunnerFleetIT extends BerthIT {

    private final Map<String, Process> processes = new HashMap<>();
    private final List<String> sandboxes = new ArrayList<>();

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "6s");
        r.add("berth.registry.allow-private-pulls", () -> "true"); // the test's image registry is on 127.0.0.1
    }

    @Override
    protected void waitUntilHealthy() {
        // in server mode health needs a runner; the test starts them
    }

    static List<String> fleetHosts() {
        String v = System.getenv("BERTH_TEST_FLEET_DOCKER_HOSTS");
        if (v == null || v.split(",").length < 2) {
            throw new IllegalStateException("BERTH_TEST_FLEET_DOCKER_HOSTS must name two engines (./berth test starts them)");
        }
        return List.of(v.split(","));
    }

    private Process startRunner(String id, String token, String dockerHost, int protocol) throws IOException {
        Path data = Path.of("/var/tmp/berth-test/fd", id);
        Files.createDirectories(data);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.berth.runner.node.RunnerMain", "--api-url", "http://localhost:" + port, "--token", token,
                "--runner-id", id, "--docker-host", dockerHost, "--data-dir", data.toString(),
                "--agent-binary", System.getProperty("berth.agent.binary"), "--images-dir",
                System.getProperty("berth.images.dir", "../images"), "--image-cache", imageCache().toString(),
                "--protocol-version", String.valueOf(protocol), "--heartbeat", "1s");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/runner-" + id + ".log"))).start();
        processes.put(id, p);
        return p;
    }

    private JsonNode runner(String id) {
        return ok(admin("GET", "/api/runners/" + id, null));
    }

    private String create() {
        JsonNode sb = createBusybox();
        sandboxes.add(sb.get("id").asString());
        return sb.get("runnerId").asString();
    }

    @Test
    void sandboxesSpreadSurviveARunnerCrashAndDrainedRunnersGetNothing() throws Exception {
        List<String> hosts = fleetHosts();
        String t1 = ok(admin("POST", "/api/runners", "{\"id\":\"fleet-a\",\"region\":\"us\"}")).get("token").asString();
        String t2 = ok(admin("POST", "/api/runners", "{\"id\":\"fleet-b\",\"region\":\"us\"}")).get("token").asString();
        startRunner("fleet-a", t1, hosts.get(0), 2);
        startRunner("fleet-b", t2, hosts.get(1), 1);
        Awaitility.await("both runners ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runner("fleet-a").get("state").asString())
                        && "ready".equals(runner("fleet-b").get("state").asString()));
        assertThat(runner("fleet-b").get("protocolVersion").asInt()).isEqualTo(1);
        assertThat(call("GET", "/api/health", null, null).statusCode()).isEqualTo(200);

        Map<String, Integer> spread = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            spread.merge(create(), 1, Integer::sum);
        }
        assertThat(spread).containsKeys("fleet-a", "fleet-b");

        // the toolbox reaches sandboxes on both runners through their tunnels (v1 and v2)
        Map<String, String> onRunner = new HashMap<>();
        for (String id : sandboxes) {
            onRunner.putIfAbsent(ok(admin("GET", "/api/sandbox/" + id, null)).get("runnerId").asString(), id);
        }
        for (String sb : onRunner.values()) {
            JsonNode r = ok(admin("POST", "/api/toolbox/" + sb + "/process/execute", "{\"command\":\"echo via-tunnel\"}"));
            assertThat(r.get("result").asString().trim()).isEqualTo("via-tunnel");
        }
        // a sandbox cannot reach its runner's tunnel (bound to the host's loopback, not the bridge)
        String endpoint = runner("fleet-a").get("endpoint").asString();
        String tunnelPort = endpoint.substring(endpoint.lastIndexOf(':') + 1);
        JsonNode probe = ok(admin("POST", "/api/toolbox/" + onRunner.get("fleet-a") + "/process/execute",
                "{\"command\":\"gw=$(ip route | awk '/default/ {print $3}'); for h in $gw 127.0.0.1; do "
                        + "nc -w 2 $h " + tunnelPort + " </dev/null && echo reached-$h; done; echo done\"}"));
        assertThat(probe.get("result").asString()).doesNotContain("reached-").contains("done");

        // kill -9 one runner: it becomes unresponsive, new sandboxes go to the other, its sandboxes are reported lost
        long t0 = System.nanoTime();
        processes.get("fleet-a").destroyForcibly().waitFor();
        Awaitility.await("fleet-a unresponsive").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "unresponsive".equals(runner("fleet-a").get("state").asString()));
        System.out.printf("runner fleet: fleet-a unresponsive %.1f s after kill -9%n", (System.nanoTime() - t0) / 1e9);
        List<String> onA = sandboxes.stream()
                .filter(id -> "fleet-a".equals(ok(admin("GET", "/api/sandbox/" + id, null)).get("runnerId").asString()))
                .toList();
        // its figures are its last heartbeat's, and say so; a toolbox call names the runner instead of a tunnel error
        assertThat(runner("fleet-a").get("figuresStale").asBoolean()).isTrue();
        assertThat(runner("fleet-b").get("figuresStale").asBoolean()).isFalse();
        var away = admin("POST", "/api/toolbox/" + onA.get(0) + "/process/execute", "{\"command\":\"echo hi\"}");
        if (away.statusCode() == 503) {
            assertThat(json(away).get("code").asString()).isEqualTo("RUNNER_UNAVAILABLE");
            assertThat(json(away).get("message").asString()).contains("fleet-a").contains("unresponsive");
        } else {
            // judged lost meanwhile (lost-after is 6 s here): the sandbox reads 'error' and the toolbox says so
            assertThat(away.statusCode()).as(away.body()).isEqualTo(409);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(create()).isEqualTo("fleet-b");
        }
        Awaitility.await("fleet-a's sandboxes reported lost").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).until(() -> onA.stream().allMatch(id -> {
                    JsonNode s = ok(admin("GET", "/api/sandbox/" + id, null));
                    return "error".equals(s.get("state").asString())
                            && s.get("errorReason").asString().contains("runner lost");
                }));

        // restart it: reconciled (its containers kept running on its engine) and schedulable again
        startRunner("fleet-a", t1, hosts.get(0), 2);
        Awaitility.await("fleet-a reconciled").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runner("fleet-a").get("state").asString())
                        && onA.stream().allMatch(id -> "started".equals(
                                ok(admin("GET", "/api/sandbox/" + id, null)).get("state").asString())));

        // a drained runner gets nothing new
        ok(admin("POST", "/api/runners/fleet-b/drain", null));
        for (int i = 0; i < 3; i++) {
            assertThat(create()).isEqualTo("fleet-a");
        }
        JsonNode list = ok(admin("GET", "/api/runners", null));
        assertThat(list.valueStream().map(r -> r.get("id").asString())).contains("fleet-a", "fleet-b");
    }

    /**
     * Snapshots reach every runner through the registry: a sandbox's snapshot committed on one runner process is
     * pushed by that runner, and the other runner, which never saw it, pulls it with the credentials the control
     * plane gave it at registration, when a sandbox is placed there.
     */
    @Test
    void aSnapshotTakenOnOneRunnerStartsOnAnotherFromTheRegistry() throws Exception {
        List<String> hosts = fleetHosts();
        for (String earlier : List.of("fleet-a", "fleet-b")) {
            admin("POST", "/api/runners/" + earlier + "/drain", null); // another test's runners, if it ran first
        }
        String tc = ok(admin("POST", "/api/runners", "{\"id\":\"fleet-c\",\"region\":\"us\"}")).get("token").asString();
        startRunner("fleet-c", tc, hosts.get(0), 2);
        Awaitility.await("runner c ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runner("fleet-c").get("state").asString()));
        JsonNode src = createBusybox();
        String id = src.get("id").asString();
        sandboxes.add(id);
        assertThat(src.get("runnerId").asString()).isEqualTo("fleet-c");
        ok(admin("POST", "/api/toolbox/" + id + "/process/execute",
                "{\"command\":\"sh -c 'dd if=/dev/urandom of=/blob bs=1M count=5 2>/dev/null; echo from-c > /note'\"}"));
        long t0 = System.nanoTime();
        ok(admin("POST", "/api/sandbox/" + id + "/snapshot", "{\"name\":\"fleet-snap\"}"));
        System.out.println("[figure] snapshot of a sandbox on a runner process (commit + push): "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        JsonNode snap = ok(admin("GET", "/api/snapshots/fleet-snap", null));
        assertThat(snap.get("state").asString()).isEqualTo("active");

        String td = ok(admin("POST", "/api/runners", "{\"id\":\"fleet-d\",\"region\":\"us\"}")).get("token").asString();
        startRunner("fleet-d", td, hosts.get(1), 2);
        Awaitility.await("runner d ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runner("fleet-d").get("state").asString()));
        // a runner that joins later receives its region's active snapshots before any sandbox needs them
        long joined = System.nanoTime();
        Awaitility.await("snapshot propagated to d").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> onRunners("fleet-snap").contains("fleet-d"));
        System.out.println("[figure] propagation of a snapshot to a runner that joined: "
                + (System.nanoTime() - joined) / 1_000_000 + " ms after it was ready");
        ok(admin("POST", "/api/runners/fleet-c/drain", null));
        t0 = System.nanoTime();
        JsonNode copy = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"fleet-snap\"}"));
        long pullCreateMs = (System.nanoTime() - t0) / 1_000_000;
        sandboxes.add(copy.get("id").asString());
        assertThat(copy.get("runnerId").asString()).isEqualTo("fleet-d");
        assertThat(copy.get("state").asString()).isEqualTo("started");
        JsonNode r = ok(admin("POST", "/api/toolbox/" + copy.get("id").asString() + "/process/execute",
                "{\"command\":\"sh -c 'cat /note; wc -c < /blob'\"}"));
        assertThat(r.get("result").asString()).contains("from-c").contains("5242880");
        t0 = System.nanoTime();
        JsonNode second = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"fleet-snap\"}"));
        long warmCreateMs = (System.nanoTime() - t0) / 1_000_000;
        sandboxes.add(second.get("id").asString());
        System.out.println("[figure] create on a runner without the snapshot (pull + create): " + pullCreateMs
                + " ms; the next create there: " + warmCreateMs + " ms");
        // an inactive snapshot leaves every runner (once no container uses it there)
        for (JsonNode sb : List.of(copy, second)) {
            ok(admin("DELETE", "/api/sandbox/" + sb.get("id").asString(), null));
        }
        Awaitility.await("copies destroyed").atMost(Duration.ofMinutes(1)).until(() ->
                admin("GET", "/api/sandbox/" + second.get("id").asString(), null).statusCode() == 404
                        && admin("GET", "/api/sandbox/" + copy.get("id").asString(), null).statusCode() == 404);
        ok(admin("POST", "/api/snapshots/fleet-snap/deactivate", null));
        Awaitility.await("inactive snapshot left the runners").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> onRunners("fleet-snap").isEmpty());
    }

    /**
     * Without an embedded runner, a Dockerfile snapshot is built on a runner process (a BUILD_IMAGE job whose log
     * lines the runner posts back as they come) and an image snapshot is pulled there (IMPORT_IMAGE); both are
     * pushed to the registry by the runner.
     */
    @Test
    void snapshotsAreBuiltAndImportedOnARunnerProcessWithStreamedLogs() throws Exception {
        List<String> hosts = fleetHosts();
        for (String earlier : List.of("fleet-a", "fleet-b", "fleet-c", "fleet-d")) {
            admin("POST", "/api/runners/" + earlier + "/drain", null);
        }
        String te = ok(admin("POST", "/api/runners", "{\"id\":\"fleet-e\",\"region\":\"us\"}")).get("token").asString();
        startRunner("fleet-e", te, hosts.get(0), 2);
        Awaitility.await("runner e ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runner("fleet-e").get("state").asString()));

        JsonNode created = ok(admin("POST", "/api/snapshots", "{\"name\":\"built-on-e\",\"buildInfo\":"
                + "{\"dockerfileContent\":\"FROM berth/busybox\\nRUN echo line-from-the-build && echo made-on-e > /made\\n\"}}"));
        String logs = admin("GET", "/api/snapshots/" + created.get("id").asString() + "/build-logs?follow=true", null)
                .body();
        assertThat(logs).contains("building on runner fleet-e").contains("line-from-the-build").contains("is active");
        JsonNode built = ok(admin("GET", "/api/snapshots/built-on-e", null));
        assertThat(built.get("state").asString()).as(built.toString()).isEqualTo("active");
        JsonNode sb = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"built-on-e\"}"));
        sandboxes.add(sb.get("id").asString());
        assertThat(ok(admin("POST", "/api/toolbox/" + sb.get("id").asString() + "/process/execute",
                "{\"command\":\"cat /made\"}")).get("result").asString()).contains("made-on-e");

        // a build context uploaded through push-access: the runner reads it through the control plane
        JsonNode access = ok(admin("GET", "/api/object-storage/push-access", null));
        String hash = "abcdef0123456789abcdef0123456789";
        var tar = new java.io.ByteArrayOutputStream();
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(tar)) {
            byte[] c = "context-on-e\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("ctx/file.txt");
            e.setSize(c.length);
            out.putArchiveEntry(e);
            out.write(c);
            out.closeArchiveEntry();
        }
        try (var s3 = software.amazon.awssdk.services.s3.S3Client.builder()
                .endpointOverride(java.net.URI.create(access.get("storageUrl").asString()))
                .region(software.amazon.awssdk.regions.Region.of(access.get("region").asString()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                access.get("accessKey").asString(), access.get("secret").asString())))
                .forcePathStyle(true)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .chunkedEncodingEnabled(false).build())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            s3.putObject(b -> b.bucket(access.get("bucket").asString()).key(access.get("organizationId").asString() + "/"
                    + hash + "/context.tar"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(tar.toByteArray()));
        }
        ok(admin("POST", "/api/snapshots", "{\"name\":\"ctx-on-e\",\"buildInfo\":{\"dockerfileContent\":"
                + "\"FROM berth/busybox\\nCOPY ctx/file.txt /file.txt\\n\",\"contextHashes\":[\"" + hash + "\"]}}"));
        Awaitility.await("context build").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
                java.util.Set.of("active", "build_failed").contains(
                        ok(admin("GET", "/api/snapshots/ctx-on-e", null)).get("state").asString()));
        JsonNode ctx = ok(admin("GET", "/api/snapshots/ctx-on-e", null));
        assertThat(ctx.get("state").asString()).as(ctx.toString()).isEqualTo("active");
        JsonNode sb2 = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"ctx-on-e\"}"));
        sandboxes.add(sb2.get("id").asString());
        assertThat(ok(admin("POST", "/api/toolbox/" + sb2.get("id").asString() + "/process/execute",
                "{\"command\":\"cat /file.txt\"}")).get("result").asString()).contains("context-on-e");
        // the runner reads only the contexts its running job names
        assertThat(call("GET", "/api/runner/jobs/nope/context/" + hash, te, null).statusCode()).isEqualTo(404);

        // an image from a registry the runner reaches, imported there
        int rp;
        try (var socket = new java.net.ServerSocket(0)) {
            rp = socket.getLocalPort();
        }
        Path dir = Files.createTempDirectory("berth-fleet-registry");
        Files.writeString(dir.resolve("htpasswd"), "team:" + org.springframework.security.crypto.bcrypt.BCrypt.hashpw(
                "team-pass", org.springframework.security.crypto.bcrypt.BCrypt.gensalt(4)) + "\n");
        Files.writeString(dir.resolve("config.yml"), "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: "
                + dir.resolve("data") + "\nhttp:\n  addr: 127.0.0.1:" + rp + "\nauth:\n  htpasswd:\n    realm: t\n"
                + "    path: " + dir.resolve("htpasswd") + "\n");
        Process reg = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/fleet-registry.log")))
                .start();
        processes.put("registry", reg);
        final int port2 = rp;
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> new java.net.Socket("127.0.0.1", port2).isConnected());
        String image = "127.0.0.1:" + rp + "/public/tool:2";
        // the engine of runner e, which imported berth/busybox when it started (another engine may not have it yet)
        try (var e = new dev.berth.runner.docker.DockerContainerEngine(hosts.get(0))) {
            e.tag("berth/busybox:latest", image);
            e.push(image, new dev.berth.runner.engine.RegistryAuth("127.0.0.1:" + rp, "team", "team-pass"), line -> { });
            e.untag(image);
        }
        // a private registry: the runner pulls with the organization's credentials, asked for while its job runs
        ok(admin("POST", "/api/docker-registry", "{\"name\":\"team\",\"url\":\"127.0.0.1:" + rp
                + "\",\"username\":\"team\",\"password\":\"team-pass\"}"));
        ok(admin("POST", "/api/snapshots", "{\"name\":\"imported-on-e\",\"imageName\":\"" + image + "\"}"));
        Awaitility.await("imported").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
                java.util.Set.of("active", "error").contains(
                        ok(admin("GET", "/api/snapshots/imported-on-e", null)).get("state").asString()));
        JsonNode imported = ok(admin("GET", "/api/snapshots/imported-on-e", null));
        assertThat(imported.get("state").asString()).as(imported.toString()).isEqualTo("active");
        assertThat(admin("GET", "/api/snapshots/" + imported.get("id").asString() + "/build-logs", null).body())
                .contains("pulling " + image + " on runner fleet-e").doesNotContain("team-pass");
    }

    @Test
    void aRunnerProcessEnforcesNetworkPoliciesAndTheirChanges() throws Exception {
        for (String earlier : List.of("fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e")) {
            admin("POST", "/api/runners/" + earlier + "/drain", null);
        }
        String tn = ok(admin("POST", "/api/runners", "{\"id\":\"fleet-n\",\"region\":\"us\"}")).get("token").asString();
        startRunner("fleet-n", tn, fleetHosts().get(1), 2);
        Awaitility.await("runner n ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> "ready".equals(runner("fleet-n").get("state").asString()));
        try (var internet = new dev.berth.server.network.TestNetns("btinetr", 79, List.of("198.51.100.30"))) {
            internet.tcpServer("198.51.100.30", 8080, "hello-runner");
            JsonNode blocked = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"networkBlockAll\":true}"));
            String id = blocked.get("id").asString();
            sandboxes.add(id);
            assertThat(blocked.get("runnerId").asString()).isEqualTo("fleet-n");
            String probe = "{\"command\":\"sh -c 'nc -w 1 198.51.100.30 8080 </dev/null 2>&1; true'\",\"timeout\":20}";
            assertThat(ok(admin("POST", "/api/toolbox/" + id + "/process/execute", probe)).get("result").asString())
                    .doesNotContain("hello");
            JsonNode opened = ok(admin("POST", "/api/sandbox/" + id + "/network-settings",
                    "{\"networkBlockAll\":false,\"networkAllowList\":\"198.51.100.30/32\"}"));
            assertThat(opened.get("networkAllowList").asString()).isEqualTo("198.51.100.30/32");
            assertThat(ok(admin("POST", "/api/toolbox/" + id + "/process/execute", probe)).get("result").asString())
                    .contains("hello-runner");
            // the defaults hold on a runner process too: its host's bridge address is not reachable
            var eng = new dev.berth.runner.docker.DockerContainerEngine(fleetHosts().get(1));
            String gateway;
            try {
                gateway = eng.bridge("bridge").orElseThrow().gateway();
            } finally {
                eng.close();
            }
            String toHost = "{\"command\":\"sh -c 'nc -w 1 " + gateway + " " + port + " </dev/null 2>&1; true'\",\"timeout\":20}";
            assertThat(ok(admin("POST", "/api/toolbox/" + id + "/process/execute", toHost)).get("result").asString())
                    .contains("timed out");
        }
    }

    /** The runners whose engines hold the snapshot, as the control plane shows them. */
    private List<String> onRunners(String snapshot) {
        return ok(admin("GET", "/api/snapshots/" + snapshot, null)).get("runners").valueStream()
                .filter(c -> c.get("state").asString().equals("ready")).map(c -> c.get("runnerId").asString()).toList();
    }

    @AfterEach
    void cleanup() throws InterruptedException {
        for (String id : sandboxes) {
            admin("DELETE", "/api/sandbox/" + id, null);
        }
        for (Process p : processes.values()) {
            p.destroy();
            p.waitFor();
        }
        // a stopped runner stays 'ready' until its heartbeats are missed: the next test must not be placed there
        for (String runnerId : processes.keySet()) {
            admin("POST", "/api/runners/" + runnerId + "/drain", null);
        }
    }
}
