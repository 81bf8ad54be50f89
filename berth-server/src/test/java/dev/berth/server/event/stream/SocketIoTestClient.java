package dev.berth.server.event.stream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A raw Engine.IO v4 / Socket.IO v5 client over {@code java.net.http.WebSocket}: records every text frame,
 * answers pings unless told not to, and exposes the close code.
 */
public final class SocketIoTestClient implements AutoCloseable {

    public final List<String> frames = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile boolean answerPings = true;
    private final WebSocket ws;

    private SocketIoTestClient(int port, String query) throws Exception {
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://localhost:" + port + "/api/socket.io/?" + query), new Listener())
                .get(10, TimeUnit.SECONDS);
    }

    /** Opens the transport as the Daytona SDK does (no Authorization header). */
    public static SocketIoTestClient open(int port, String organizationId) throws Exception {
        String q = "source=sdk-typescript-legacy&sdkVersion=0.218.0&EIO=4&transport=websocket";
        return new SocketIoTestClient(port, organizationId == null ? q : q + "&organizationId=" + organizationId);
    }

    /** Sends CONNECT with {@code auth: {token}} and returns the reply ({@code 40...} or {@code 44...}). */
    public String connect(String token) {
        int before = frames.size();
        send("40{\"token\":\"" + token + "\"}");
        return await(f -> f.startsWith("40") || f.startsWith("44"), before, Duration.ofSeconds(10));
    }

    synchronized void send(String text) {
        ws.sendText(text, true).join();
    }

    /** The first frame at or after index {@code from} that matches. */
    public String await(Predicate<String> match, int from, Duration atMost) {
        String[] found = new String[1];
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (int i = from; i < frames.size(); i++) {
                if (match.test(frames.get(i))) {
                    found[0] = frames.get(i);
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    long count(Predicate<String> match) {
        return frames.stream().filter(match).count();
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                frames.add(frame);
                if (frame.equals("2") && answerPings) {
                    CompletableFuture.runAsync(() -> send("3"));
                }
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.complete(-1);
        }
    }
}
