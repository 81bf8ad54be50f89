package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.ArchiveImage;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.server.reconcile.FleetEngines;
import dev.berth.server.registry.SnapshotRegistry;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Archive and restore across two runner processes, each on its own engine: a sandbox archived on runner A leaves
 * nothing on A's engine and holds no runner, and its start restores it on runner B (A drained) from the registry,
 * with its files, env, labels and name. Deleting sandboxes deletes their archives from the registry.
 */
class SandboxArchiveFleetIT extends dev.berth.server.reconcile.RunnerProcessesBase {

    @Autowired
    SnapshotRegistry registry;

    @Autowired
    SandboxRepository rows;

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "6s");
    }

    private static boolean engineHolds(int engine, String sandboxId) {
        try (var e = new DockerContainerEngine(FleetEngines.host(engine))) {
            boolean container = e.listByLabel(SandboxRunner.LABEL_SANDBOX).stream()
                    .anyMatch(c -> sandboxId.equals(c.labels().get(SandboxRunner.LABEL_SANDBOX)));
            boolean image = e.imageRefs().stream().anyMatch(r -> r.startsWith(ArchiveImage.NAMESPACE + sandboxId));
            return container || image;
        }
    }

    @Test
    void anArchivedSandboxLeavesItsRunnerAndIsRestoredOnAnotherWithItsFiles() throws Exception {
        startRunner("arc-a", 0);
        JsonNode created = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":\"arc-sb\","
                + "\"env\":{\"ARC_ENV\":\"kept\"},\"labels\":{\"team\":\"arc\"}}"));
        String id = created.get("id").asString();
        sandboxes.add(id);
        assertThat(created.get("runnerId").asString()).isEqualTo("arc-a");
        exec(id, "sh -c 'echo written-before-archive > /root/note; dd if=/dev/urandom of=/root/blob bs=1M count=50 "
                + "2>/dev/null'");
        String sum = exec(id, "md5sum /root/blob");

        // a started sandbox is refused, naming its state and what to do
        var refused = admin("POST", "/api/sandbox/" + id + "/archive", null);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("'started'").contains("stop it first");

        ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
        long t0 = System.nanoTime();
        JsonNode archived = ok(admin("POST", "/api/sandbox/arc-sb/archive", null));
        long archiveMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(archived.get("state").asString()).isEqualTo("archived");
        assertThat(archived.has("runnerId")).as(archived.toString()).isFalse();
        Sandbox row = rows.findById(id).orElseThrow();
        assertThat(row.getRunnerId()).isNull();
        String image = row.getArchiveImage();
        assertThat(image).startsWith("berth-archive/" + id + ":");
        var layers = registry.verify(image);
        assertThat(engineHolds(0, id)).as("container or archive image left on runner A's engine").isFalse();
        // no cpu or memory held anywhere; disk and the count still are
        UsageRow usage = rows.usageOf(row.getOrganizationId());
        assertThat(usage.usage().cpu()).isZero();
        assertThat(usage.usage().memory()).isZero();
        assertThat(usage.usage().disk()).isEqualTo(row.getDiskGib());
        assertThat(rows.allocationOfRunner("arc-a")).isEmpty();
        // an archive is nobody's snapshot
        var asSnapshot = admin("POST", "/api/snapshots", "{\"name\":\"steal\",\"imageName\":\"" + image + "\"}");
        if (asSnapshot.statusCode() / 100 == 2) {
            Awaitility.await("refused snapshot").atMost(Duration.ofMinutes(1)).until(() -> "error".equals(
                    ok(admin("GET", "/api/snapshots/steal", null)).get("state").asString()));
        }
        assertThat(admin("POST", "/api/sandbox", "{\"snapshot\":\"" + image + "\"}").statusCode()).isBetween(400, 499);

        // runner A takes nothing new; B restores it from the registry
        ok(admin("POST", "/api/runners/arc-a/drain", null));
        startRunner("arc-b", 1);
        t0 = System.nanoTime();
        JsonNode started = ok(admin("POST", "/api/sandbox/" + id + "/start", null));
        long restoreMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(started.get("state").asString()).isEqualTo("started");
        assertThat(started.get("runnerId").asString()).isEqualTo("arc-b");
        assertThat(started.get("name").asString()).isEqualTo("arc-sb");
        assertThat(started.get("labels").get("team").asString()).isEqualTo("arc");
        assertThat(exec(id, "cat /root/note")).isEqualTo("written-before-archive");
        assertThat(exec(id, "md5sum /root/blob")).isEqualTo(sum);
        assertThat(exec(id, "sh -c 'echo $ARC_ENV'")).isEqualTo("kept");
        System.out.println("[figure] archive of a stopped busybox sandbox with 50 MiB written (commit + push + verify + "
                + "remove, runner process): " + archiveMs + " ms; archive layer " + (layers.get(layers.size() - 1).size()
                        >> 20) + " MiB compressed");
        System.out.println("[figure] restore of it on another runner process (pull + create + start): " + restoreMs
                + " ms");

        // deleting the restored sandbox deletes its archive from the registry and its image from runner B
        ok(admin("DELETE", "/api/sandbox/" + id, null));
        assertThat(registry.layers(image)).isEmpty();
        assertThat(registry.tags(ArchiveImage.parse(image).repository())).isEmpty();
        assertThat(engineHolds(1, id)).isFalse();

        // deleting an archived sandbox: no runner involved, the registry no longer shows its archive
        JsonNode other = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}"));
        String otherId = other.get("id").asString();
        sandboxes.add(otherId);
        ok(admin("POST", "/api/sandbox/" + otherId + "/stop", null));
        ok(admin("POST", "/api/sandbox/" + otherId + "/archive", null));
        String otherImage = rows.findById(otherId).orElseThrow().getArchiveImage();
        assertThat(registry.layers(otherImage)).isPresent();
        var archiveAgain = admin("POST", "/api/sandbox/" + otherId + "/archive", null);
        assertThat(json(archiveAgain).get("state").asString()).isEqualTo("archived");
        var stopArchived = admin("POST", "/api/sandbox/" + otherId + "/stop", null);
        assertThat(stopArchived.statusCode()).as(stopArchived.body()).isEqualTo(409);
        ok(admin("DELETE", "/api/sandbox/" + otherId, null));
        assertThat(admin("GET", "/api/sandbox/" + otherId, null).statusCode()).isEqualTo(404);
        assertThat(rows.findById(otherId).orElseThrow().getState().wireName()).isEqualTo("destroyed");
        assertThat(registry.layers(otherImage)).isEmpty();
    }
}
