package dev.berth.server.toolbox.files;

import static dev.berth.server.toolbox.files.TransferSupport.BOUNDARY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.toolbox.ToolboxIT;
import dev.berth.server.toolbox.files.TransferSupport.LiveHeapSampler;
import dev.berth.server.toolbox.files.TransferSupport.Upload;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Uploads and downloads as the SDK sends and reads them, including a large transfer in bounded memory. */
class FileTransferIT extends ToolboxIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long LARGE = Long.getLong("berth.it.transfer.bytes", 256L << 20);

    private HttpRequest.Builder request(String sandboxId, String route) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/toolbox/" + sandboxId + route))
                .header("Authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofMinutes(10));
    }

    private HttpResponse<String> postMultipart(String sandboxId, String route, Supplier<InputStream> body)
            throws Exception {
        // ofInputStream has no length: the body goes out chunked, as the SDK sends Buffer uploads
        return HTTP.send(request(sandboxId, route).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofInputStream(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<InputStream> bulkDownload(String sandboxId, String pathsJson) throws Exception {
        return HTTP.send(request(sandboxId, "/files/bulk-download").header("Content-Type", "application/json")
                .header("Accept", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofString("{\"paths\":" + pathsJson + "}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void bulkUploadAndBulkDownloadInTheSdkFormat() throws Exception {
        String id = sandbox("berth/busybox");
        HttpResponse<String> up = postMultipart(id, "/files/bulk-upload", () -> TransferSupport.bulkUploadBody(List.of(
                new Upload("/tmp/up/a.txt", TransferSupport.text("alpha")),
                new Upload("rel/dir/b.bin", TransferSupport.text("beta\r\n--not-a-boundary\r\n")),
                new Upload("/tmp/up/empty", TransferSupport.text("")))));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(sh(id, "cat /tmp/up/a.txt")).isEqualTo("alpha");
        assertThat(sh(id, "cat /root/rel/dir/b.bin")).isEqualTo("beta\r\n--not-a-boundary\r\n");
        assertThat(sh(id, "stat -c %s:%a /tmp/up/empty")).isEqualTo("0:644\n");

        HttpResponse<InputStream> down = bulkDownload(id, "[\"/tmp/up/a.txt\",\"/tmp/missing\",\"rel/dir/b.bin\",\"/tmp\"]");
        assertThat(down.statusCode()).isEqualTo(200);
        String ct = down.headers().firstValue("Content-Type").orElseThrow();
        assertThat(ct).startsWith("multipart/form-data; boundary=");
        String body = new String(down.body().readAllBytes(), StandardCharsets.UTF_8);
        String boundary = ct.substring(ct.indexOf('=') + 1);
        String[] parts = body.split("--" + boundary);
        assertThat(parts).hasSize(6); // preamble, 4 parts, closing "--"
        assertThat(parts[1]).contains("Content-Disposition: form-data; name=\"file\"; filename=\"/tmp/up/a.txt\"")
                .endsWith("\r\n\r\nalpha\r\n");
        assertThat(parts[2]).contains("name=\"error\"; filename=\"/tmp/missing\"")
                .contains("Content-Type: application/json");
        JsonNode err = JSON.readTree(parts[2].substring(parts[2].indexOf("\r\n\r\n") + 4).trim());
        assertThat(err.get("code").asString()).isEqualTo("FILE_NOT_FOUND");
        assertThat(err.get("statusCode").asInt()).isEqualTo(404);
        assertThat(err.get("source").asString()).isEqualTo("DAYTONA_DAEMON");
        assertThat(err.get("message").asString()).isNotEmpty();
        assertThat(parts[3]).contains("filename=\"rel/dir/b.bin\"").endsWith("\r\n\r\nbeta\r\n--not-a-boundary\r\n\r\n");
        assertThat(parts[4]).contains("name=\"error\"; filename=\"/tmp\"");
        assertThat(parts[5]).isEqualTo("--\r\n");
    }

    @Test
    void bulkDownloadOfNonAsciiNamesCarriesAnRfc5987FilenameOnFileAndErrorParts() throws Exception {
        String id = sandbox("berth/busybox");
        String name = "/tmp/grüße €.txt";
        agent(id).write(name, new java.io.ByteArrayInputStream("gruss".getBytes(StandardCharsets.UTF_8)), 0644, true,
                null, null);
        HttpResponse<InputStream> down = bulkDownload(id,
                "[\"/tmp/grüße €.txt\",\"/tmp/nö.txt\",\"/tmp/dq\\\"uote\"]");
        assertThat(down.statusCode()).isEqualTo(200);
        String ct = down.headers().firstValue("Content-Type").orElseThrow();
        String body = new String(down.body().readAllBytes(), StandardCharsets.UTF_8);
        String[] parts = body.split("--" + ct.substring(ct.indexOf('=') + 1));
        assertThat(parts).hasSize(5);
        assertThat(parts[1]).contains("Content-Disposition: form-data; name=\"file\"; filename=\"/tmp/grüße €.txt\"; "
                + "filename*=UTF-8''%2Ftmp%2Fgr%C3%BC%C3%9Fe%20%E2%82%AC.txt\r\n").endsWith("\r\n\r\ngruss\r\n");
        assertThat(parts[2]).contains("Content-Disposition: form-data; name=\"error\"; filename=\"/tmp/nö.txt\"; "
                + "filename*=UTF-8''%2Ftmp%2Fn%C3%B6.txt\r\n");
        // plain ASCII: the quoted form only (escaped), as before
        assertThat(parts[3]).contains("Content-Disposition: form-data; name=\"error\"; filename=\"/tmp/dq\\\"uote\"\r\n");
    }

    @Test
    void uploadV2AndDownload() throws Exception {
        String id = sandbox("berth/busybox");
        HttpResponse<String> up = postMultipart(id, "/files/upload-v2?path=" + q("/tmp/v2/f.txt"),
                () -> TransferSupport.singleFileBody("file", "f.txt", TransferSupport.text("v2 data")));
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        HttpResponse<String> down = HTTP.send(request(id, "/files/download?path=" + q("/tmp/v2/f.txt")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(down.body()).isEqualTo("v2 data");
        assertThat(down.headers().firstValue("Content-Length")).hasValue("7");
        daemonError(tb("GET", id, "/files/download?path=" + q("/tmp/v2/none"), null), 404, "FILE_NOT_FOUND");
    }

    @Test
    void largeFileStreamsThroughInBoundedMemory() throws Exception {
        String id = sandbox("berth/busybox");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        System.gc();
        long baseline = LiveHeapSampler.usedHeap();
        long peakUp;
        long peakDown;
        long t0 = System.nanoTime();
        try (LiveHeapSampler heap = new LiveHeapSampler()) {
            HttpResponse<String> up = postMultipart(id, "/files/bulk-upload", () -> TransferSupport.bulkUploadBody(
                    List.of(new Upload("/tmp/big.bin", new DigestInputStream(TransferSupport.random(42, LARGE), sent)))));
            assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
            peakUp = heap.peak();
        }
        long t1 = System.nanoTime();
        assertThat(sh(id, "stat -c %s /tmp/big.bin").trim()).isEqualTo(Long.toString(LARGE));

        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (LiveHeapSampler heap = new LiveHeapSampler()) {
            HttpResponse<InputStream> down = bulkDownload(id, "[\"/tmp/big.bin\"]");
            try (InputStream in = down.body()) {
                List<String> headers = TransferSupport.headers(in);
                assertThat(headers).contains("Content-Length: " + LARGE);
                byte[] buf = new byte[64 * 1024];
                long left = LARGE;
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    assertThat(n).as("stream ended early, %d bytes left", left).isPositive();
                    received.update(buf, 0, n);
                    left -= n;
                }
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).matches("\r\n--berth-[0-9a-f]{32}--\r\n");
            }
            peakDown = heap.peak();
        }
        long t2 = System.nanoTime();
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
        System.out.printf("transfer of %d MiB: upload %.1f s, download %.1f s; live heap baseline %d MiB, "
                        + "peak during upload %d MiB, during download %d MiB (max heap %d MiB)%n", LARGE >> 20,
                (t1 - t0) / 1e9, (t2 - t1) / 1e9, baseline >> 20, peakUp >> 20, peakDown >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        // the file is 256 MiB; buffering it anywhere would show up in the live set
        assertThat(peakUp - baseline).isLessThan(64L << 20);
        assertThat(peakDown - baseline).isLessThan(64L << 20);
    }
}
