package dev.berth.server.event.stream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Reads {@code GET /api/events/stream} line by line on a thread of its own. */
final class SseTestClient implements AutoCloseable {

    final List<String> lines = new CopyOnWriteArrayList<>();
    final HttpResponse<Stream<String>> response;
    private final Thread reader;

    SseTestClient(int port, String key) throws Exception {
        var req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events/stream"))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream")
                .GET().build();
        // no request timeout: it would also cut the (endless) body; the headers are awaited with a bound
        response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .sendAsync(req, HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
        reader = new Thread(() -> {
            try (Stream<String> s = response.body()) {
                s.forEach(lines::add);
            } catch (RuntimeException e) {
                lines.add("!closed: " + e);
            }
        }, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
