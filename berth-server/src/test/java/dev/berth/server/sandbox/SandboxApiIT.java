package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.server.BerthIT;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** The sandbox API end to end against the real engine. */
class SandboxApiIT extends BerthIT {

    @Autowired
    SandboxRepository repo;

    @Autowired
    SandboxReconciler reconciler;

    private InspectContainerResponse inspect(String sandboxId) {
        return ((DockerContainerEngine) engine).client().inspectContainerCmd(SandboxRunner.containerName(sandboxId)).exec();
    }

    private long berthContainers() {
        return engine.listByLabel(SandboxRunner.LABEL_SANDBOX).size();
    }

    @Test
    void createdSandboxIsALockedDownContainerAndTheLifecycleWorks() throws IOException {
        JsonNode sb = ok(admin("POST", "/api/sandbox",
                "{\"snapshot\":\"berth/busybox\",\"memory\":2,\"cpu\":1,\"env\":{\"A\":\"1\"},\"labels\":{\"code-toolbox-language\":\"python\"}}"));
        String id = sb.get("id").asString();
        assertThat(sb.get("state").asString()).isEqualTo("started");
        assertThat(sb.get("toolboxProxyUrl").asString()).isEqualTo("http://localhost:" + port + "/api/toolbox");
        assertThat(sb.get("env").get("A").asString()).isEqualTo("1");

        InspectContainerResponse c = inspect(id);
        assertThat(c.getState().getRunning()).isTrue();
        var hc = c.getHostConfig();
        assertThat(hc.getMemory()).isEqualTo(2L << 30);
        assertThat(hc.getMemorySwap()).as("no swap beyond the memory limit").isEqualTo(2L << 30);
        assertThat(hc.getNanoCPUs()).isEqualTo(1_000_000_000L);
        assertThat(hc.getPidsLimit()).isEqualTo(1024L);
        assertThat(hc.getPrivileged()).isFalse();
        assertThat(hc.getSecurityOpts()).contains("no-new-privileges");
        assertThat(List.of(hc.getCapDrop())).extracting(Enum::name).contains("ALL");
        assertThat(c.getConfig().getLabels()).containsEntry(SandboxRunner.LABEL_SANDBOX, id)
                .containsEntry(SandboxRunner.LABEL_ORG, sb.get("organizationId").asString())
                .containsEntry(SandboxRunner.LABEL_RUNNER, "local");

        // the kernel enforces the limits: read them from the container's cgroups on the host
        long pid = c.getState().getPidLong();
        assertThat(cgroupValue(pid, "memory", "memory.limit_in_bytes")).isEqualTo(String.valueOf(2L << 30));
        assertThat(cgroupValue(pid, "pids", "pids.max")).isEqualTo("1024");
        // root inside is an unprivileged uid on the host (user-namespace remapping)
        String[] uidMap = Files.readString(Path.of("/proc/" + pid + "/uid_map")).trim().split("\\s+");
        assertThat(uidMap[0]).isEqualTo("0");
        assertThat(Long.parseLong(uidMap[1])).isGreaterThan(0);

        JsonNode stopped = ok(admin("POST", "/api/sandbox/" + id + "/stop?force=false", null));
        assertThat(stopped.get("state").asString()).isEqualTo("stopped");
        assertThat(inspect(id).getState().getRunning()).isFalse();

        JsonNode started = ok(admin("POST", "/api/sandbox/" + id + "/start", null));
        assertThat(started.get("state").asString()).isEqualTo("started");
        assertThat(inspect(id).getState().getRunning()).isTrue();

        ok(admin("DELETE", "/api/sandbox/" + id, null));
        assertThat(engine.inspect(SandboxRunner.containerName(id))).isEmpty();
        assertThat(admin("GET", "/api/sandbox/" + id, null).statusCode()).isEqualTo(404);
        assertThat(repo.findById(id)).get().extracting(Sandbox::getState).hasToString("DESTROYED");
    }

    private static String cgroupValue(long pid, String controller, String file) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return Files.readString(Path.of("/sys/fs/cgroup/" + controller + f[2] + "/" + file)).trim();
            }
        }
        throw new AssertionError("no " + controller + " cgroup for pid " + pid);
    }

    record Case(String body, int status, String fragment) {
    }

    @Test
    void badInputIsRejectedWithAProblemAndLeavesNothingBehind() {
        long rowsBefore = repo.count();
        long containersBefore = berthContainers();
        String longName = "n".repeat(64);
        for (Case c : List.of(
                new Case("{\"snapshot\":", 400, "not valid JSON"),
                new Case("{\"snapshot\":\"no-such-snapshot\"}", 404, "snapshot 'no-such-snapshot' not found"),
                new Case("{\"snapshot\":\"berth/busybox\",\"cpu\":64}", 400, "cpu must be between 1 and 4"),
                new Case("{\"snapshot\":\"berth/busybox\",\"memory\":0}", 400, "memory must be between"),
                new Case("{\"snapshot\":\"berth/busybox\",\"disk\":1000}", 400, "disk must be between"),
                new Case("{\"snapshot\":\"berth/busybox\",\"labels\":{\"a\":1}}", 400, "labels value of 'a' must be a string"),
                new Case("{\"snapshot\":\"berth/busybox\",\"env\":{\"A\":{\"x\":1}}}", 400, "env value of 'A' must be a string"),
                new Case("{\"snapshot\":\"berth/busybox\",\"name\":\"" + longName + "\"}", 400, "maximum is 63"),
                new Case("{\"snapshot\":\"berth/busybox\",\"target\":\"mars\"}", 400, "known regions"),
                new Case("{\"buildInfo\":{\"dockerfileContent\":\"\"}}", 400, "dockerfileContent"),
                new Case("{\"buildInfo\":{\"dockerfileContent\":\"FROM x\\n\",\"extra\":1}}", 400, "buildInfo.extra"),
                new Case("{\"buildInfo\":{\"dockerfileContent\":\"FROM x\\n\",\"contextHashes\":[\"../x\"]}}", 400,
                        "contextHashes"),
                new Case("{\"snapshot\":\"berth/busybox\",\"buildInfo\":{\"dockerfileContent\":\"FROM x\\n\"}}", 400,
                        "not both"))) {
            var r = admin("POST", "/api/sandbox", c.body());
            assertThat(r.statusCode()).as(c.body() + " -> " + r.body()).isEqualTo(c.status());
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/problem+json"));
            JsonNode p = json(r);
            assertThat(p.get("message").asString()).contains(c.fragment());
            assertThat(p.get("statusCode").asInt()).isEqualTo(c.status());
            assertThat(p.get("status").asInt()).isEqualTo(c.status());
            assertThat(p.get("code").isString()).isTrue();
        }
        assertThat(repo.count()).isEqualTo(rowsBefore);
        assertThat(berthContainers()).isEqualTo(containersBefore);
    }

    @Test
    void duplicateNameIsAConflictAndTheNameIsReusableAfterDelete() {
        JsonNode first = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":\"dup-1\"}"));
        long containers = berthContainers();
        var dup = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":\"dup-1\"}");
        assertThat(dup.statusCode()).isEqualTo(409);
        assertThat(json(dup).get("message").asString()).contains("'dup-1' already exists");
        assertThat(berthContainers()).isEqualTo(containers);
        assertThat(ok(admin("GET", "/api/sandbox/dup-1", null)).get("id").asString()).isEqualTo(first.get("id").asString());
        ok(admin("DELETE", "/api/sandbox/dup-1", null));
        JsonNode again = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":\"dup-1\"}"));
        assertThat(again.get("id").asString()).isNotEqualTo(first.get("id").asString());
        ok(admin("DELETE", "/api/sandbox/" + again.get("id").asString(), null));
    }

    @Test
    void containerRemovedBehindBerthsBackIsReportedAndIllegalTransitionsAreConflicts() {
        String id = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        engine.remove(SandboxRunner.containerName(id));
        reconciler.reconcileAll();
        // the engine's destroy event may be reconciling it concurrently: wait for the outcome, bounded
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> "error".equals(ok(admin("GET", "/api/sandbox/" + id, null)).get("state").asString()));
        JsonNode s = ok(admin("GET", "/api/sandbox/" + id, null));
        assertThat(s.get("state").asString()).isEqualTo("error");
        // the removal kills the container first: the engine's die event (137) or the missing container is reported
        assertThat(s.get("errorReason").asString()).containsAnyOf("removed outside Berth", "exited unexpectedly with code 137");

        var r = admin("POST", "/api/sandbox/" + id + "/stop", null);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(json(r).get("message").asString()).contains("'error'").contains("'stopping'");

        ok(admin("DELETE", "/api/sandbox/" + id, null));
        assertThat(admin("POST", "/api/sandbox/" + id + "/start", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aForcedStopKillsAtOnceAndAPlainStopLetsTheSandboxEnd() {
        String plain = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        String forced = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}")).get("id").asString();
        assertThat(ok(admin("POST", "/api/sandbox/" + plain + "/stop", null)).get("state").asString()).isEqualTo("stopped");
        assertThat(ok(admin("POST", "/api/sandbox/" + forced + "/stop?force=true", null)).get("state").asString())
                .isEqualTo("stopped");
        // SIGKILL at once (137) against SIGTERM, which the sandbox's init answers by ending on its own
        assertThat(engine.inspect(SandboxRunner.containerName(forced)).orElseThrow().exitCode()).isEqualTo(137);
        assertThat(engine.inspect(SandboxRunner.containerName(plain)).orElseThrow().exitCode()).isNotEqualTo(137);
        // the row is settled, not reported as an unexpected exit
        reconciler.reconcileAll();
        assertThat(ok(admin("GET", "/api/sandbox/" + forced, null)).get("state").asString()).isEqualTo("stopped");
        ok(admin("DELETE", "/api/sandbox/" + plain, null));
        ok(admin("DELETE", "/api/sandbox/" + forced, null));
    }

    @Test
    void listPagesWithACursorAndFiltersByLabel() {
        String tag = "t" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
            ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"labels\":{\"suite\":\"" + tag
                    + "\",\"n\":\"" + (i % 2) + "\"}}"));
        }
        String filter = URLEncoder.encode("{\"suite\":\"" + tag + "\"}", StandardCharsets.UTF_8);
        Set<String> seen = new LinkedHashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok(admin("GET", "/api/sandbox?limit=2&labels=" + filter
                    + (cursor == null ? "" : "&cursor=" + cursor), null));
            page.get("items").forEach(it -> {
                assertThat(it.has("env")).as("list items are not full DTOs").isFalse();
                assertThat(seen.add(it.get("id").asString())).as("no duplicates across pages").isTrue();
            });
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(5);
        assertThat(pages).isGreaterThanOrEqualTo(3);

        String odd = URLEncoder.encode("{\"suite\":\"" + tag + "\",\"n\":\"1\"}", StandardCharsets.UTF_8);
        assertThat(ok(admin("GET", "/api/sandbox?labels=" + odd, null)).get("items")).hasSize(2);
        assertThat(admin("GET", "/api/sandbox?labels=notjson", null).statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/api/sandbox?cursor=zzzz", null).statusCode()).isEqualTo(400);
        for (String id : seen) {
            ok(admin("DELETE", "/api/sandbox/" + id, null));
        }
    }

    @Test
    void replacingLabelsKeepsTheCodeLanguageLabel() {
        String id = ok(admin("POST", "/api/sandbox",
                "{\"snapshot\":\"berth/busybox\",\"labels\":{\"code-toolbox-language\":\"python\",\"x\":\"1\"}}"))
                .get("id").asString();
        JsonNode labels = ok(admin("PUT", "/api/sandbox/" + id + "/labels", "{\"labels\":{\"y\":\"2\"}}")).get("labels");
        assertThat(labels.has("x")).isFalse();
        assertThat(labels.get("y").asString()).isEqualTo("2");
        assertThat(labels.get("code-toolbox-language").asString()).isEqualTo("python");
        assertThat(ok(admin("GET", "/api/sandbox/" + id, null)).get("labels").get("code-toolbox-language").asString())
                .isEqualTo("python");
        ok(admin("DELETE", "/api/sandbox/" + id, null));
    }

    @Test
    void requestsWithoutAValidKeyAreRejected() {
        assertThat(call("GET", "/api/sandbox", null, null).statusCode()).isEqualTo(401);
        var r = call("GET", "/api/sandbox", "bth_wrong", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(json(r).get("message").asString()).contains("API key");
        assertThat(call("GET", "/api/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void defaultSnapshotStillBuildingIsAClear503() {
        // this suite runs with berth.images.build-default=false, so berth/default never becomes active
        var r = admin("POST", "/api/sandbox", "{\"env\":{},\"labels\":{\"code-toolbox-language\":\"python\"}}");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(json(r).get("message").asString()).contains("default snapshot 'berth/default' is not active yet");
    }

    @Test
    void diskLimitsAreReportedAsNotEnforcedOnOverlayExt4() {
        JsonNode cfg = ok(call("GET", "/api/config", null, null));
        assertThat(cfg.get("capabilities").get("storageDriver").asString()).isEqualTo("overlay2");
        assertThat(cfg.get("capabilities").get("diskQuotaEnforced").asBoolean()).isFalse();
        assertThat(cfg.get("capabilities").get("userNamespaceRemap").asBoolean()).isTrue();
    }
}
