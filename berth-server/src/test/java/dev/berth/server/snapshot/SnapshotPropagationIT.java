package dev.berth.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.RegistryAuth;
import dev.berth.runner.image.BaseImage;
import dev.berth.runner.image.BaseImageBuilder;
import dev.berth.server.BerthIT;
import dev.berth.server.org.Tenants;
import dev.berth.server.reconcile.FleetEngines;
import dev.berth.server.runner.EmbeddedRunnerRegistration;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.crypto.bcrypt.BCrypt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * An image snapshot pulled from an organization's private registry (a real docker-registry with a password,
 * registered through /api/docker-registry) is stored in Berth's registry and propagated to two runner processes
 * with their own engines, and leaves them when it is deactivated; berth/default reaches a runner that never built it.
 */
class SnapshotPropagationIT extends BerthIT {

    @DynamicPropertySource
    static void privatePulls(DynamicPropertyRegistry r) {
        r.add("berth.registry.allow-private-pulls", () -> "true"); // the test's private registry is on 127.0.0.1
    }

    @Autowired
    Tenants tenants;

    @Autowired
    BaseImageBuilder builder;

    @Autowired
    SnapshotRepository snapshots;

    @Autowired
    EmbeddedRunnerRegistration embedded;

    @Autowired
    dev.berth.server.registry.SnapshotRegistry registry;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            p.waitFor();
        }
    }

    private Process privateRegistry(Path dir, int port, String user, String password) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("htpasswd"), user + ":" + BCrypt.hashpw(password, BCrypt.gensalt(4)) + "\n");
        Files.writeString(dir.resolve("config.yml"), """
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: %s
                http:
                  addr: 127.0.0.1:%d
                auth:
                  htpasswd:
                    realm: test
                    path: %s
                """.formatted(dir.resolve("data"), port, dir.resolve("htpasswd")));
        Process p = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/test-registry.log")))
                .start();
        processes.add(p);
        Awaitility.await("test registry up").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> new java.net.Socket("127.0.0.1", port).isConnected());
        return p;
    }

    private List<String> readyOn(String key, String snapshot) {
        return ok(call("GET", "/api/snapshots/" + snapshot, key, null)).get("runners").valueStream()
                .filter(c -> c.get("state").asString().equals("ready")).map(c -> c.get("runnerId").asString()).toList();
    }

    @Test
    void aPrivateImageBecomesASnapshotOnEveryRunnerAndLeavesThemWhenInactive() throws Exception {
        int rp;
        try (ServerSocket s = new ServerSocket(0)) {
            rp = s.getLocalPort();
        }
        privateRegistry(Files.createTempDirectory("berth-test-registry"), rp, "team", "s3cret-pass");
        String image = "127.0.0.1:" + rp + "/team/tool:1";
        RegistryAuth teamAuth = new RegistryAuth("127.0.0.1:" + rp, "team", "s3cret-pass");
        engine.tag("berth/busybox:latest", image);
        engine.push(image, teamAuth, line -> { });
        engine.untag(image);

        var owner = tenants.owner();
        var other = tenants.owner();
        JsonNode reg = ok(call("POST", "/api/docker-registry", owner.key(), JSON.writeValueAsString(Map.of(
                "name", "team", "url", "http://127.0.0.1:" + rp, "username", "team", "password", "s3cret-pass"))));
        assertThat(reg.toString()).doesNotContain("s3cret-pass");
        assertThat(ok(call("GET", "/api/docker-registry", owner.key(), null)).toString()).doesNotContain("s3cret-pass")
                .contains("team");
        assertThat(call("GET", "/api/docker-registry/" + reg.get("id").asString(), other.key(), null).statusCode())
                .isEqualTo(404);
        assertThat(call("POST", "/api/docker-registry", owner.key(), "{\"name\":\"x\",\"url\":\"not a host!\","
                + "\"username\":\"u\",\"password\":\"p\"}").statusCode()).isEqualTo(400);

        // the other organization has no credentials for it: its pull is refused by the registry
        ok(call("POST", "/api/snapshots", other.key(), "{\"name\":\"tool\",\"imageName\":\"" + image + "\"}"));
        JsonNode denied = awaitState(other.key(), "tool", "active", "error");
        assertThat(denied.get("state").asString()).isEqualTo("error");
        assertThat(denied.get("errorReason").asString()).containsIgnoringCase("cannot pull");

        // two runner processes with their own engines
        List<String> hosts = List.of(FleetEngines.host(0), FleetEngines.host(1));
        for (int i = 0; i < 2; i++) {
            String id = "prop-" + i;
            String token = ok(admin("POST", "/api/runners", "{\"id\":\"" + id + "\",\"region\":\"us\"}")).get("token")
                    .asString();
            processes.add(FleetEngines.startRunner("http://localhost:" + this.port, id, token, hosts.get(i), imageCache()));
        }
        Awaitility.await("runners ready").atMost(Duration.ofMinutes(2)).until(() ->
                "ready".equals(ok(admin("GET", "/api/runners/prop-0", null)).get("state").asString())
                        && "ready".equals(ok(admin("GET", "/api/runners/prop-1", null)).get("state").asString()));

        long t0 = System.nanoTime();
        ok(call("POST", "/api/snapshots", owner.key(), "{\"name\":\"tool\",\"imageName\":\"" + image + "\"}"));
        JsonNode tool = awaitState(owner.key(), "tool", "active", "error");
        assertThat(tool.get("state").asString()).as(tool.toString()).isEqualTo("active");
        Awaitility.await("on both runners").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> readyOn(owner.key(), "tool").containsAll(List.of("prop-0", "prop-1")));
        System.out.println("[figure] image snapshot from a private registry, active and on both runner processes: "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        String ref = tool.get("ref").asString();
        for (String h : hosts) {
            try (var e = new DockerContainerEngine(h)) {
                assertThat(e.imageExists(ref)).as("snapshot image on " + h).isTrue();
            }
        }

        // berth/default, made on the embedded runner only, reaches the runner processes through the registry
        Snapshot def = snapshots.findByScopeAndName(Snapshot.GENERAL, BaseImage.DEFAULT.snapshotName()).orElseThrow();
        builder.ensure(BaseImage.DEFAULT);
        String remote = registry.remoteRef(BaseImage.DEFAULT.imageRef());
        engine.tag(BaseImage.DEFAULT.imageRef(), remote);
        engine.push(remote, registry.auth(), line -> { });
        engine.untag(remote);
        embedded.refreshImages();
        for (String h : hosts) {
            try (var e = new DockerContainerEngine(h)) {
                e.untag(BaseImage.DEFAULT.imageRef()); // a real first pull, not a copy left by an earlier run
            }
        }
        long t1 = System.nanoTime();
        if (def.getState() != SnapshotState.ACTIVE) {
            def.markActive(1, Instant.now());
            snapshots.save(def);
        }
        Awaitility.await("berth/default on both runners").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                .until(() -> readyOn(owner.key(), def.getId()).containsAll(List.of("prop-0", "prop-1")));
        System.out.println("[figure] propagation of berth/default (" + (Files.size(imageCache().resolve("default.tar")) >> 20)
                + " MiB rootfs) to two runner processes: " + (System.nanoTime() - t1) / 1_000_000 + " ms");

        // deactivated: it leaves the runners
        ok(call("POST", "/api/snapshots/tool/deactivate", owner.key(), null));
        Awaitility.await("left the runners").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> readyOn(owner.key(), "tool").stream().noneMatch(r -> r.startsWith("prop-")));
        for (String h : hosts) {
            try (var e = new DockerContainerEngine(h)) {
                assertThat(e.imageExists(ref)).as("snapshot image gone from " + h).isFalse();
            }
        }
        // a registry on a private address is refused unless the operator allows it: see SnapshotIT
    }

    private JsonNode awaitState(String key, String name, String... states) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = ok(call("GET", "/api/snapshots/" + name, key, null));
            return List.of(states).contains(last[0].get("state").asString());
        });
        return last[0];
    }

}
