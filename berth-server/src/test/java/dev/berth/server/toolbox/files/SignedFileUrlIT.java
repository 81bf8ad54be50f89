package dev.berth.server.toolbox.files;

import static dev.berth.server.toolbox.files.TransferSupport.BOUNDARY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.auth.FileUrlSignature;
import dev.berth.server.auth.Permission;
import dev.berth.server.org.Tenants;
import dev.berth.server.toolbox.ToolboxIT;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Signed file URLs against a live Berth and the real engine: the links the SDK builds, fetched with no
 * Authorization header, and every way a link may be misused.
 */
class SignedFileUrlIT extends ToolboxIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long SIZE = 6L << 20;

    @Autowired
    Tenants tenants;

    private String key(String sandboxId) {
        HttpResponse<String> r = admin("GET", "/api/sandbox/" + sandboxId + "/signing-key", null);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        return ok(r).asString();
    }

    /** The URL as the SDK's buildSignedFileUrl makes it (URLSearchParams: form encoding). */
    private String url(String sandboxId, String op, String method, String path, long expires, String key) {
        return "http://localhost:" + port + "/api/toolbox/" + sandboxId + "/files/" + op + "?path=" + q(path)
                + "&expires=" + expires + "&signature=" + FileUrlSignature.compute(key, method, path, expires);
    }

    private static HttpResponse<String> upload(String url, InputStream data) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> TransferSupport.singleFileBody("file", "f.bin", data))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode problem(HttpResponse<String> r, int status, String contains) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode p = json(r);
        assertThat(p.get("detail").asString()).contains(contains);
        assertThat(p.get("message").asString()).contains(contains);
        return p;
    }

    @Test
    void uploadAndDownloadThroughSignedLinksWithoutAnyAuthorizationHeader() throws Exception {
        String id = sandbox("berth/busybox");
        String key = key(id);
        assertThat(key(id)).as("made once, then the same").isEqualTo(key);
        long expires = Instant.now().getEpochSecond() + 600;
        String path = "/tmp/signed dir/big+file.bin";
        sh(id, "mkdir -p '/tmp/signed dir'");

        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpResponse<String> up = upload(url(id, "upload-v2", "POST", path, expires, key),
                new DigestInputStream(TransferSupport.random(7, SIZE), sent));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(sh(id, "stat -c %s '" + path + "'").trim()).isEqualTo(Long.toString(SIZE));

        MessageDigest received = MessageDigest.getInstance("SHA-256");
        HttpResponse<InputStream> down = HTTP.send(HttpRequest.newBuilder(URI.create(
                url(id, "download", "GET", path, expires, key))).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(down.statusCode()).isEqualTo(200);
        assertThat(down.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(down.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"big+file.bin\"");
        assertThat(down.headers().firstValue("Content-Length")).hasValue(Long.toString(SIZE));
        try (InputStream in = new DigestInputStream(down.body(), received)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(received.digest()).isEqualTo(sent.digest());

        // a link that never expires (the SDK's ttl <= 0), and a relative path resolved in the user's home as usual
        upload(url(id, "upload-v2", "POST", "rel.txt", 0, key), TransferSupport.text("relative"));
        assertThat(get(url(id, "download", "GET", "rel.txt", 0, key)).body()).isEqualTo("relative");

        // audited, as the link's holder
        JsonNode items = ok(admin("GET", "/api/audit-logs?limit=200", null)).get("items");
        assertThat(items.valueStream().map(i -> i.get("actor").asString()))
                .contains("signed-url:POST sandbox:" + id, "signed-url:GET sandbox:" + id);
    }

    @Test
    void misusedLinksAreRefusedWithWhatIsWrongAndNeverReachTheSandbox() throws Exception {
        String a = sandbox("berth/busybox");
        String b = sandbox("berth/busybox");
        String keyA = key(a);
        long expires = Instant.now().getEpochSecond() + 600;
        sh(a, "echo secret > /tmp/f");
        sh(b, "echo other > /tmp/f");
        String good = url(a, "download", "GET", "/tmp/f", expires, keyA);
        assertThat(get(good).body()).isEqualTo("secret\n");

        // tampered: one character of the signature, the path, the expiry
        String sig = good.substring(good.indexOf("signature=") + 10);
        String flipped = good.replace(sig, sig.substring(0, 10) + (sig.charAt(10) == 'A' ? 'B' : 'A') + sig.substring(11));
        problem(get(flipped), 403, "does not match");
        problem(get(good.replace(q("/tmp/f"), q("/etc/passwd"))), 403, "does not match");
        problem(get(good.replace("expires=" + expires, "expires=" + (expires + 1))), 403, "does not match");
        // expired
        long past = Instant.now().getEpochSecond() - 5;
        problem(get(url(a, "download", "GET", "/tmp/f", past, keyA)), 401, "expired at");
        // A's link on B, and B's own key does not accept A's signature either
        key(b);
        problem(get(good.replace("/toolbox/" + a + "/", "/toolbox/" + b + "/")), 403, "does not match");
        // wrong method: a download link used to upload writes nothing
        String asUpload = good.replace("/files/download?", "/files/upload-v2?");
        problem(upload(asUpload, TransferSupport.text("overwritten")), 403, "signed for GET (download), not POST");
        assertThat(sh(a, "cat /tmp/f")).isEqualTo("secret\n");
        // the path given twice (Spring would join both): refused before anything
        problem(get(good + "&path=" + q("/etc/shadow")), 400, "'path' appears 2 times");
        // a signature and a bearer token together
        problem(HTTP.send(HttpRequest.newBuilder(URI.create(good)).header("Authorization", "Bearer " + ADMIN_KEY)
                .GET().build(), HttpResponse.BodyHandlers.ofString()), 400, "not both");
        // a signature authorizes nothing but its two routes: elsewhere it is no credential at all
        String query = good.substring(good.indexOf('?'));
        assertThat(get("http://localhost:" + port + "/api/toolbox/" + a + "/files/info" + query).statusCode())
                .isEqualTo(401);
        assertThat(get("http://localhost:" + port + "/api/sandbox/" + a + query).statusCode()).isEqualTo(401);

        // rotation: the old link stops, saying why; a new one works; the key read afterwards is the new one
        String rotated = ok(admin("POST", "/api/sandbox/" + a + "/signing-key/rotate", null)).asString();
        assertThat(rotated).isNotEqualTo(keyA).isEqualTo(key(a));
        problem(get(good), 403, "rotated");
        assertThat(get(url(a, "download", "GET", "/tmp/f", expires, rotated)).body()).isEqualTo("secret\n");
    }

    @Test
    void theKeyNeedsWriteSandboxesAndStaysInItsOrganization() {
        String id = sandbox("berth/busybox");
        var admin = ok(admin("GET", "/api/users/me", null));
        String orgId = getSandbox(id).get("organizationId").asString();
        String weak = tenants.addKey(orgId, admin.get("id").asString(), Set.of(Permission.DELETE_SANDBOXES), null);
        assertThat(call("GET", "/api/sandbox/" + id + "/signing-key", weak, null).statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/sandbox/" + id + "/signing-key/rotate", weak, null).statusCode()).isEqualTo(403);
        var other = tenants.owner();
        assertThat(call("GET", "/api/sandbox/" + id + "/signing-key", other.key(), null).statusCode()).isEqualTo(404);
        assertThat(call("POST", "/api/sandbox/" + id + "/signing-key/rotate", other.key(), null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void aLinkToAStoppedSandboxSaysToStartItAndWorksAgainAfterAStart() throws Exception {
        String id = sandbox("berth/busybox");
        String key = key(id);
        sh(id, "echo kept > /root/kept.txt");
        String link = url(id, "download", "GET", "/root/kept.txt", 0, key);
        ok(admin("POST", "/api/sandbox/" + id + "/stop", null));
        Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> getSandbox(id).get("state").asString().equals("stopped"));
        HttpResponse<String> r = get(link);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        assertThat(json(r).get("message").asString()).contains("start it");
        ok(admin("POST", "/api/sandbox/" + id + "/start", null));
        Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> getSandbox(id).get("state").asString().equals("started"));
        assertThat(get(link).body()).isEqualTo("kept\n");
    }
}
