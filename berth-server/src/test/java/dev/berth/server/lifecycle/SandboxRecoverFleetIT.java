package dev.berth.server.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.ArchiveImage;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.server.reconcile.RunnerProcessesBase;
import dev.berth.server.reconcile.FleetEngines;
import dev.berth.server.registry.SnapshotRegistry;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Backups and recover across two runner processes: a running sandbox on runner A is backed up every interval; A is
 * killed and stays away, the sandbox is judged lost and recoverable, and {@code recover} brings it back on runner B
 * from its backup, with the file written before the backup. When A returns, its old container is removed as an
 * orphan. An ephemeral sandbox's backups are deleted with it.
 */
class SandboxRecoverFleetIT extends RunnerProcessesBase {

    @Autowired
    SnapshotRegistry registry;

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
        r.add("berth.runners.unresponsive-after", () -> "3s");
        r.add("berth.runners.lost-after", () -> "6s");
        r.add("berth.reconciler.orphan-grace", () -> "2s");
        r.add("berth.lifecycle.backup-interval", () -> "3s");
        r.add("berth.lifecycle.sweep-interval", () -> "500ms");
        r.add("berth.lifecycle.minute", () -> "1s");
    }

    private JsonNode awaitBackupAfter(String id, Instant after) {
        return Awaitility.await("backup after " + after).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> getSandbox(id), s -> s.has("backupCreatedAt")
                        && Instant.parse(s.get("backupCreatedAt").asString()).isAfter(after));
    }

    @Test
    void aSandboxLostWithItsRunnerIsRecoveredElsewhereFromItsBackup() throws Exception {
        startRunner("rec-a", 0);
        JsonNode created = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":\"rec-sb\","
                + "\"autoStopInterval\":0,\"labels\":{\"team\":\"rec\"}}"));
        String id = created.get("id").asString();
        sandboxes.add(id);
        assertThat(created.get("runnerId").asString()).isEqualTo("rec-a");
        assertThat(created.get("backupState").asString()).isEqualTo("None");
        assertThat(created.get("recoverable").asBoolean()).isFalse();
        var notLost = admin("POST", "/api/sandbox/" + id + "/recover", null);
        assertThat(notLost.statusCode()).isEqualTo(409);
        assertThat(notLost.body()).contains("not recoverable");

        exec(id, "sh -c 'echo written-before-backup > /root/note'");
        Instant written = Instant.now();
        JsonNode backedUp = awaitBackupAfter(id, written);
        assertThat(backedUp.get("backupState").asString()).isEqualTo("Completed");
        assertThat(backedUp.get("state").asString()).isEqualTo("started"); // a backup does not stop it

        // runner A dies and stays away: the sandbox is lost, and recoverable from its backup
        killRunner("rec-a");
        startRunner("rec-b", 1);
        JsonNode lost = Awaitility.await("lost").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> getSandbox(id), s -> "error".equals(s.get("state").asString()));
        assertThat(lost.get("recoverable").asBoolean()).as(lost.toString()).isTrue();

        long t0 = System.nanoTime();
        JsonNode recovered = ok(admin("POST", "/api/sandbox/" + id + "/recover", null));
        long recoverMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(recovered.get("state").asString()).isEqualTo("started");
        assertThat(recovered.get("runnerId").asString()).isEqualTo("rec-b");
        assertThat(recovered.get("name").asString()).isEqualTo("rec-sb");
        assertThat(recovered.get("labels").get("team").asString()).isEqualTo("rec");
        assertThat(exec(id, "cat /root/note")).isEqualTo("written-before-backup");
        System.out.println("[figure] recover of a lost busybox sandbox on another runner process (pull + create + "
                + "start): " + recoverMs + " ms");

        // a resize on a runner process: the RESIZE_SANDBOX job changes the limits live
        JsonNode resized = ok(admin("POST", "/api/sandbox/" + id + "/resize", "{\"cpu\":2,\"memory\":2}"));
        assertThat(resized.get("cpu").asInt()).isEqualTo(2);
        try (var e = new DockerContainerEngine(FleetEngines.host(1))) {
            assertThat(CgroupLimits.of(e.inspect("berth-" + id).orElseThrow().pid()))
                    .isEqualTo("200000 100000\n2147483648");
        }

        // runner A comes back: its container of the sandbox (now on B) is an orphan and goes
        assertThat(engineHasContainer(0, id)).isTrue();
        startRunner("rec-a", 0);
        Awaitility.await("orphan removed from A").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> !engineHasContainer(0, id));
        assertThat(getSandbox(id).get("state").asString()).isEqualTo("started");
        assertThat(getSandbox(id).get("runnerId").asString()).isEqualTo("rec-b");
    }

    @Test
    void anEphemeralSandboxsBackupsGoWithIt() throws Exception {
        startRunner("rec-c", 1);
        JsonNode created = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"autoStopInterval\":0,"
                + "\"autoDeleteInterval\":0}"));
        String id = created.get("id").asString();
        sandboxes.add(id);
        JsonNode backedUp = awaitBackupAfter(id, Instant.now().minusSeconds(1));
        String image = rowsBackup(id);
        assertThat(registry.layers(image)).as(backedUp.toString()).isPresent();
        ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
        Awaitility.await("deleted").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> admin("GET", "/api/sandbox/" + id, null).statusCode() == 404);
        assertThat(registry.layers(image)).isEmpty();
        assertThat(registry.tags(ArchiveImage.parse(image).repository())).isEmpty();
    }

    @Test
    void aCreateWithoutATargetGoesWhereTheReadyRunnersAre() throws Exception {
        // runners only in 'eu' (berth.region is 'us'): a create naming no region is placed there, not refused
        ok(admin("POST", "/api/regions", "{\"id\":\"eu\"}"));
        startRunner("rec-eu", 1, "eu");
        assertThat(ok(admin("GET", "/api/config", null)).get("regions").get(0).asString()).isEqualTo("eu");
        JsonNode created = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"autoStopInterval\":0}"));
        sandboxes.add(created.get("id").asString());
        assertThat(created.get("state").asString()).isEqualTo("started");
        assertThat(created.get("target").asString()).isEqualTo("eu");
        assertThat(created.get("runnerId").asString()).isEqualTo("rec-eu");
        // naming a region without runners still says so
        var us = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"target\":\"us\"}");
        assertThat(us.statusCode()).as(us.body()).isEqualTo(503);
    }

    @Autowired
    dev.berth.server.sandbox.SandboxRepository rows;

    private String rowsBackup(String id) {
        return rows.findById(id).orElseThrow().getBackupImage();
    }
}
