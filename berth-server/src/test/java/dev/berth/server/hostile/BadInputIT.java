package dev.berth.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9: every bad input the hostile-tenant probe answered with a 5xx now gets a 4xx problem with a message a
 * person can act on, and changes nothing; engine internals never reach a tenant; a client that hangs up during a
 * download costs one log line, not a stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = "logging.level.dev.berth.server.api.ProblemHandler=DEBUG")
class BadInputIT extends BerthIT {

    private static final HttpClient RAW = HttpClient.newHttpClient();

    private String sandbox;

    @BeforeEach
    void sandbox() {
        sandbox = createBusybox().get("id").asString();
    }

    @AfterEach
    void remove() {
        admin("DELETE", "/api/sandbox/" + sandbox, null);
    }

    private int sandboxCount() {
        return json(admin("GET", "/api/sandbox", null)).get("items").size();
    }

    private static JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        // problem JSON; toolbox errors keep the daemon's shape the Daytona SDK reads (application/json, statusCode)
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/");
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.get("statusCode").asInt()).isEqualTo(status);
        assertThat(p.get("message").asString()).isNotBlank();
        return p;
    }

    private String exec(String command) {
        return "{\"command\":" + JSON.writeValueAsString(command) + "}";
    }

    @Test
    void moreCoresThanTheHostHasIsRefusedBeforeAnythingIsRecorded() {
        int before = sandboxCount();
        var r = admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"cpu\":" + (hostCores() + 1) + "}");
        JsonNode p = problem(r, 422);
        assertThat(p.get("message").asString()).contains("at most " + hostCores()).doesNotContain("unix://")
                .doesNotContain(".sock");
        assertThat(sandboxCount()).isEqualTo(before);
    }

    private int hostCores() {
        return engine.info().cpus();
    }

    @Test
    void aCommandOrEnvironmentOverOneMebibyteIs413NotAServerError() {
        String huge = "x".repeat(1_100_000);
        JsonNode p = problem(admin("POST", "/api/toolbox/" + sandbox + "/process/execute", exec("echo " + huge)), 413);
        assertThat(p.get("message").asString()).contains("1 MiB");
        problem(admin("POST", "/api/toolbox/" + sandbox + "/process/execute",
                "{\"command\":\"true\",\"envs\":{\"BIG\":\"" + huge + "\"}}"), 413);
        // the sandbox still answers
        assertThat(ok(admin("POST", "/api/toolbox/" + sandbox + "/process/execute", exec("echo fine")))
                .get("result").asString()).contains("fine");
    }

    @Test
    void aQueryParameterThatIsNotUtf8Is400() {
        JsonNode p = problem(admin("GET", "/api/audit-logs?cursor=%ff", null), 400);
        assertThat(p.get("message").asString()).contains("UTF-8");
    }

    @Test
    void aWildcardContentTypeIs415AndCreatesNothing() throws Exception {
        int before = sandboxCount();
        var r = RAW.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/sandbox"))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "*/*")
                .POST(HttpRequest.BodyPublishers.ofString("{\"snapshot\":\"berth/busybox\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(problem(r, 415).get("message").asString()).contains("application/json");
        assertThat(sandboxCount()).isEqualTo(before);
    }

    @Test
    void theErrorPageIsNotAnEndpoint() throws Exception {
        var r = RAW.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/error")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        problem(r, 404);
    }

    @Test
    void aNumberWhereAStringBelongsIs400NamingTheField() {
        int before = sandboxCount();
        JsonNode p = problem(admin("POST", "/api/sandbox", "{\"snapshot\":\"berth/busybox\",\"name\":123}"), 400);
        assertThat(p.get("message").asString()).contains("name");
        assertThat(sandboxCount()).isEqualTo(before);
    }

    @Test
    void fileSystemRefusalsInsideTheSandboxAre4xx() {
        String t = "/api/toolbox/" + sandbox;
        // EBUSY: /dev/zero is a bind mount; /etc/hostname too
        assertThat(problem(admin("DELETE", t + "/files?path=/dev/zero", null), 409).get("message").asString())
                .contains("in use");
        problem(admin("POST", t + "/files/move?source=/etc/hostname&destination=/tmp/h", null), 409);
        // EXDEV: /tmp to /proc crosses file systems
        assertThat(problem(admin("POST", t + "/files/move?source=/tmp&destination=/proc/x", null), 400)
                .get("message").asString()).contains("different file systems");
        // ENXIO: a terminal device with no terminal behind it
        assertThat(problem(admin("GET", t + "/files/download?path=/dev/tty", null), 400).get("message").asString())
                .contains("not a regular file");
        // EROFS: /proc/sys is read-only in a sandbox
        var ro = admin("POST", t + "/files/folder?path=/proc/sys/kernel/x&mode=755", null);
        assertThat(ro.statusCode()).as(ro.body()).isBetween(400, 499);
        // nothing was removed
        assertThat(ok(admin("POST", t + "/process/execute", exec("cat /etc/hostname"))).get("result").asString())
                .isNotBlank();
    }

    @Test
    void aClientHangingUpDuringABulkDownloadCostsOneLineNotAStackTrace(CapturedOutput output) throws Exception {
        ok(admin("POST", "/api/toolbox/" + sandbox + "/process/execute",
                exec("dd if=/dev/urandom of=/tmp/big bs=1M count=24")));
        String body = "{\"paths\":[\"/tmp/big\",\"/tmp/big\",\"/tmp/big\"]}";
        try (Socket s = new Socket("localhost", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/toolbox/" + sandbox + "/files/bulk-download HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] some = in.readNBytes(64 * 1024);
            assertThat(new String(some, 0, 12, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            s.setSoLinger(true, 0); // reset, like a browser tab closed mid-download
        }
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> output.getOut().contains("client disconnected during POST /api/toolbox/" + sandbox));
        assertThat(output.getOut()).doesNotContain("unhandled error on POST /api/toolbox/" + sandbox)
                .doesNotContain("ClientAbortException: ");
    }
}
