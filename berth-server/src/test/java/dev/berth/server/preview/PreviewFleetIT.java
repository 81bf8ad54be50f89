package dev.berth.server.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.reconcile.RunnerProcessesBase;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A preview of a sandbox on a runner process (no embedded runner): the relay runs through the runner's tunnel like
 * every toolbox call. busybox httpd bound to 127.0.0.1 serves a small page and a 5 MiB file.
 */
class PreviewFleetIT extends RunnerProcessesBase {

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
    }

    @Test
    void aPreviewReachesAnAppOnARemoteRunnersSandbox() throws Exception {
        startRunner("prev-a", 0);
        JsonNode created = ok(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\"}"));
        String id = created.get("id").asString();
        sandboxes.add(id);
        assertThat(created.get("runnerId").asString()).isEqualTo("prev-a");
        assertThat(exec(id, "sh -c 'mkdir -p /tmp/www && echo remote-hello > /tmp/www/index.html && "
                + "head -c 5242880 /dev/zero > /tmp/www/big && busybox httpd -p 127.0.0.1:8080 -h /tmp/www && echo up'"))
                .isEqualTo("up");

        JsonNode link = ok(admin("GET", "/api/sandbox/" + id + "/ports/8080/preview-url", null));
        String token = link.get("token").asString();
        String host = "8080-" + id + ".localhost:" + port;
        var page = RawHttp.exchange(port, host, "GET", "/index.html", Map.of("x-daytona-preview-token", token), null);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.text().trim()).isEqualTo("remote-hello");
        var big = RawHttp.exchange(port, host, "GET", "/big", Map.of("x-daytona-preview-token", token), null);
        assertThat(big.status()).isEqualTo(200);
        assertThat(big.body()).hasSize(5 << 20).containsOnly((byte) 0);

        var closed = RawHttp.exchange(port, "8081-" + id + ".localhost:" + port, "GET", "/",
                Map.of("x-daytona-preview-token", token), null);
        assertThat(closed.status()).as(closed.text()).isEqualTo(502);
        assertThat(closed.text()).contains("PREVIEW_PORT_CLOSED");
    }
}
