package dev.berth.server.toolbox.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.org.Tenants;
import dev.berth.server.toolbox.ToolboxIT;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * File operations resolve inside the sandbox: a symlink to {@code /} and {@code ..} paths reach the sandbox's
 * root, never the host's; another organization's sandbox does not exist for the caller.
 */
class ToolboxSecurityIT extends ToolboxIT {

    @Autowired
    Tenants tenants;

    @Test
    void symlinkToRootAndDotDotPathsStayInsideTheSandbox() throws Exception {
        String id = sandbox("berth/busybox");
        String sandboxHost = sh(id, "hostname").trim();
        String hostHost = InetAddress.getLocalHost().getHostName();
        assertThat(sandboxHost).isNotEqualTo(hostHost);
        sh(id, "ln -s / /tmp/root");

        assertThat(download(id, "/tmp/root/etc/hostname").trim()).isEqualTo(sandboxHost);
        String passwd = sh(id, "cat /etc/passwd");
        assertThat(download(id, "/../../../etc/passwd")).isEqualTo(passwd);
        assertThat(download(id, "../../../../etc/passwd")).as("relative to /root").isEqualTo(passwd);
        assertThat(download(id, "/tmp/root/../etc/passwd")).isEqualTo(passwd)
                .isNotEqualTo(Files.readString(Path.of("/etc/passwd")));

        String marker = "berth-escape-" + UUID.randomUUID();
        HttpResponse<String> up = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + port + "/api/toolbox/" + id + "/files/bulk-upload"))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "multipart/form-data; boundary=" + TransferSupport.BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> TransferSupport.bulkUploadBody(List.of(
                        new TransferSupport.Upload("/tmp/root/etc/" + marker, TransferSupport.text("inside"))))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(sh(id, "cat /etc/" + marker)).isEqualTo("inside");
        assertThat(Path.of("/etc", marker)).doesNotExist();

        ok(tb("POST", id, "/files/folder?path=" + q("/tmp/root/tmp/" + marker) + "&mode=700", null));
        assertThat(sh(id, "ls -d /tmp/" + marker).trim()).isEqualTo("/tmp/" + marker);
        assertThat(Path.of("/tmp", marker)).doesNotExist();

        List<String> viaDotDot = names(ok(tb("GET", id, "/files?path=" + q("/tmp/../../.."), null)));
        List<String> viaLink = names(ok(tb("GET", id, "/files?path=" + q("/tmp/root/"), null)));
        List<String> sandboxRoot = new ArrayList<>(List.of(sh(id, "ls -A /").trim().split("\\s+")));
        assertThat(viaDotDot).containsExactlyInAnyOrderElementsOf(sandboxRoot);
        assertThat(viaLink).containsExactlyInAnyOrderElementsOf(sandboxRoot);
        assertThat(viaDotDot).doesNotContain("work");

        // deleting through the link removes the sandbox's file, and a recursive delete never follows the link
        ok(tb("DELETE", id, "/files?path=" + q("/tmp/root/etc/" + marker), null));
        assertThat(sh(id, "ls /etc")).doesNotContain(marker);
        sh(id, "mkdir -p /tmp/tree && ln -s / /tmp/tree/up");
        ok(tb("DELETE", id, "/files?path=" + q("/tmp/tree") + "&recursive=true", null));
        assertThat(sh(id, "cat /etc/passwd")).isEqualTo(passwd);
    }

    @Test
    void anotherOrganizationsSandboxIsNotFound() {
        String id = sandbox("berth/busybox");
        String key = tenants.owner().key();

        for (String route : List.of("/files?path=" + q("/"), "/files/info?path=" + q("/etc/passwd"),
                "/files/download?path=" + q("/etc/passwd"), "/user-home-dir", "/git/status?path=" + q("/"))) {
            var r = call("GET", "/api/toolbox/" + id + route, key, null);
            daemonError(r, 404, "NOT_FOUND");
            assertThat(r.body()).doesNotContain("root:x:0:0");
        }
        daemonError(call("POST", "/api/toolbox/" + id + "/files/bulk-download", key, "{\"paths\":[\"/etc/passwd\"]}"),
                404, "NOT_FOUND");
        ok(tb("GET", id, "/files/info?path=" + q("/etc/passwd"), null));
    }

    private String download(String id, String path) {
        var r = tb("GET", id, "/files/download?path=" + q(path), null);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return r.body();
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get("name").asString()));
        return out;
    }
}
