package dev.berth.runner.node;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.protocol.runner.Heartbeat;
import dev.berth.protocol.runner.HeartbeatReply;
import dev.berth.protocol.runner.Job;
import dev.berth.protocol.runner.JobResult;
import dev.berth.protocol.runner.Registration;
import dev.berth.protocol.runner.RegistrationReply;
import dev.berth.protocol.runner.RunnerProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The runner's side of the pull-based runner protocol: every call goes runner → control plane (NAT friendly). */
final class ControlPlaneClient {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;
    private final int version;
    private volatile String session = "";

    ControlPlaneClient(URI base, String token, int version) {
        this.base = base;
        this.token = token;
        this.version = version;
    }

    RegistrationReply register(Registration r) throws IOException, InterruptedException {
        RegistrationReply reply = send("POST", RunnerProtocol.REGISTER, r, Duration.ofSeconds(15),
                new TypeReference<>() { });
        session = reply.sessionId();
        return reply;
    }

    List<Job> poll(Duration wait) throws IOException, InterruptedException {
        return send("GET", RunnerProtocol.JOBS + "?waitSeconds=" + wait.toSeconds(), null, wait.plusSeconds(15),
                new TypeReference<>() { });
    }

    /** One uploaded build context of a running job, as a stream (closed by the caller). */
    java.io.InputStream openContext(String jobId, String hash) throws IOException {
        var r = HttpRequest.newBuilder(base.resolve(dev.berth.protocol.runner.ImageWork.contextPath(jobId, hash)))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token)
                .header("X-Berth-Runner-Protocol", String.valueOf(version))
                .header("X-Berth-Runner-Session", session)
                .GET().build();
        try {
            var resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new IOException("build context " + hash + ": the control plane answered " + resp.statusCode());
            }
            return resp.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading build context " + hash, e);
        }
    }

    /** The source registry credentials of a running import job. */
    dev.berth.protocol.runner.ImageWork.SourceAuth sourceAuth(String jobId) throws IOException {
        try {
            return send("GET", dev.berth.protocol.runner.ImageWork.sourceAuthPath(jobId), null, Duration.ofSeconds(15),
                    new TypeReference<>() { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the job's registry credentials", e);
        }
    }

    /** Appends log text to a job's log on the control plane. */
    void log(String jobId, String text) throws IOException, InterruptedException {
        var r = HttpRequest.newBuilder(base.resolve(dev.berth.protocol.runner.ImageWork.logPath(jobId)))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + token)
                .header("X-Berth-Runner-Protocol", String.valueOf(version))
                .header("X-Berth-Runner-Session", session)
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(text)).build();
        var resp = http.send(r, java.net.http.HttpResponse.BodyHandlers.discarding());
        if (resp.statusCode() / 100 != 2) {
            throw new IOException("log post answered " + resp.statusCode());
        }
    }

    void report(String jobId, JobResult result) throws IOException, InterruptedException {
        send("POST", RunnerProtocol.JOBS + "/" + jobId + "/result", result, Duration.ofSeconds(15), null);
    }

    HeartbeatReply heartbeat(Heartbeat hb) throws IOException, InterruptedException {
        return send("POST", RunnerProtocol.HEARTBEAT, hb, Duration.ofSeconds(15), new TypeReference<>() { });
    }

    private <T> T send(String method, String path, Object body, Duration timeout, TypeReference<T> type)
            throws IOException, InterruptedException {
        var b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token)
                .header("X-Berth-Runner-Protocol", String.valueOf(version))
                .header("X-Berth-Runner-Session", session);
        if (body != null) {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() / 100 != 2) {
            throw new StatusException(r.statusCode(), method + " " + path + " -> " + r.statusCode() + " "
                    + new String(r.body(), 0, Math.min(r.body().length, 500), java.nio.charset.StandardCharsets.UTF_8));
        }
        return type == null || r.body().length == 0 ? null : JSON.readValue(r.body(), type);
    }

    /** The control plane answered, with a status other than 2xx. */
    static final class StatusException extends IOException {
        private final int status;

        StatusException(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    static <T> T parse(String json, Class<T> type) throws IOException {
        return JSON.readValue(json, type);
    }
}
