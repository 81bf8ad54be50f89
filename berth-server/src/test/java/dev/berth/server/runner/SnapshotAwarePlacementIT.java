package dev.berth.server.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.UnavailableException;
import dev.berth.core.sandbox.Resources;
import dev.berth.server.BerthIT;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Placement sends a sandbox only to a runner whose engine holds its snapshot's image, as the runner reports it
 * (registration and heartbeats over the real runner protocol), and a runner cannot flood the control plane with
 * its report. No runner process runs here: nothing is started, only placed.
 */
class SnapshotAwarePlacementIT extends BerthIT {

    private static final Resources SMALL = new Resources(1, 1, 3);

    @Autowired
    RunnerRegistry registry;

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
    }

    @Override
    protected void waitUntilHealthy() {
        // no runner process: the runners here only register and beat
    }

    private String runnerWith(String id, String imagesJson) {
        String token = ok(admin("POST", "/api/runners", "{\"id\":\"" + id + "\",\"region\":\"us\"}")).get("token").asString();
        ok(call("POST", "/api/runner/register", token, "{\"endpoint\":\"127.0.0.1:9\",\"secret\":\"s-" + id
                + "\",\"protocolVersion\":2,\"runnerClass\":\"default\",\"capacity\":{\"cpu\":8,\"memoryGiB\":16,"
                + "\"diskGiB\":100,\"maxSandboxes\":50},\"engineVersion\":\"28\",\"storageDriver\":\"overlay2\","
                + "\"diskQuotaEnforced\":false,\"agentVersion\":\"berth-agent/1\",\"images\":" + imagesJson + "}"));
        return token;
    }

    private int heartbeat(String token, String imagesJson) {
        return call("POST", "/api/runner/heartbeat", token, "{\"cpuUsage\":0,\"memoryUsage\":0,\"diskUsage\":0,"
                + "\"loadPerCore\":0,\"sandboxCount\":0,\"engineHealthy\":true,\"agentVersion\":\"berth-agent/1\","
                + "\"inventory\":{},\"observed\":{},\"images\":" + imagesJson + "}").statusCode();
    }

    private Set<String> placements(String snapshot) {
        return IntStream.range(0, 30).mapToObj(i -> registry.place("us", SMALL, snapshot).runnerId())
                .collect(Collectors.toSet());
    }

    @Test
    void aSandboxGoesOnlyWhereItsImageIsAndAFloodedReportIsRefusedWhole() {
        String a = runnerWith("snap-a", "[\"berth/busybox:latest\"]");
        String b = runnerWith("snap-b", "[\"acme/tools:1\"]");

        // a bare repository names its :latest tag
        assertThat(placements("berth/busybox:latest")).containsExactly("snap-a");
        assertThat(placements("berth/busybox")).containsExactly("snap-a");
        assertThat(placements("acme/tools:1")).containsExactly("snap-b");
        assertThatThrownBy(() -> registry.place("us", SMALL, "acme/other:1"))
                .isInstanceOf(UnavailableException.class).hasMessageContaining("acme/other:1");
        // an image the snapshot registry holds can go anywhere: the runner pulls it at create
        assertThat(placements("berth/default:latest")).containsExactlyInAnyOrder("snap-a", "snap-b");

        // a runner that now holds busybox too (its heartbeat says so) shares the work
        assertThat(heartbeat(b, "[\"acme/tools:1\",\"berth/busybox:latest\"]")).isEqualTo(200);
        assertThat(placements("berth/busybox:latest")).containsExactlyInAnyOrder("snap-a", "snap-b");

        // hostile reports: too many entries, or something that is not an image reference, are refused (400) whole
        // and the last good report stands
        String flood = IntStream.range(0, RunnerImages.MAX_IMAGES + 1).mapToObj(i -> "\"x/y:" + i + "\"")
                .collect(Collectors.joining(",", "[", "]"));
        var r = call("POST", "/api/runner/heartbeat", a, "{\"cpuUsage\":0,\"memoryUsage\":0,\"diskUsage\":0,"
                + "\"loadPerCore\":0,\"sandboxCount\":0,\"engineHealthy\":true,\"agentVersion\":\"x\","
                + "\"inventory\":{},\"observed\":{},\"images\":" + flood + "}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("images").contains(String.valueOf(RunnerImages.MAX_IMAGES));
        assertThat(heartbeat(a, "[\"berth/busybox:latest\",\"NOT A REF; rm -rf /\"]")).isEqualTo(400);
        assertThat(placements("berth/busybox:latest")).containsExactlyInAnyOrder("snap-a", "snap-b");

        // an engine that cannot be read reports no list (null): unknown, so the last known list stands
        assertThat(heartbeat(a, "null")).isEqualTo(200);
        Set<String> seen = new HashSet<>(placements("berth/busybox:latest"));
        assertThat(seen).contains("snap-a");
        // and one that no longer holds the image gets no more of it
        assertThat(heartbeat(a, "[]")).isEqualTo(200);
        assertThat(placements("berth/busybox:latest")).containsExactly("snap-b");
    }
}
