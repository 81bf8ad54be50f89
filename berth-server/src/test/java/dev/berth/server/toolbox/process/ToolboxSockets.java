package dev.berth.server.toolbox.process;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A recording WebSocket client (java.net.http) for the toolbox sockets. */
public final class ToolboxSockets {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public record Closed(int code, String reason) {
    }

    public static final class Recorder implements WebSocket.Listener {
        final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        public final List<String> texts = new CopyOnWriteArrayList<>();
        public final CompletableFuture<Closed> closed = new CompletableFuture<>();
        public WebSocket socket;

        @Override
        public void onOpen(WebSocket ws) {
            socket = ws;
            ws.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            synchronized (binary) {
                binary.writeBytes(b);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(new Closed(code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        public byte[] bytes() {
            synchronized (binary) {
                return binary.toByteArray();
            }
        }

        public String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        public void send(String keys) {
            socket.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true).join();
        }
    }

    public static WebSocket open(int port, String path, String key, Recorder recorder, String... subprotocols) {
        var b = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + key)
                .connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(URI.create("ws://localhost:" + port + path), recorder).join();
    }

    /** Splits a log-follow byte stream at the 01 01 01 / 02 02 02 markers: [stdout, stderr]. */
    public static String[] demux(byte[] all) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream cur = null;
        for (int i = 0; i < all.length; i++) {
            if (i + 2 < all.length && all[i] == all[i + 1] && all[i] == all[i + 2] && (all[i] == 1 || all[i] == 2)) {
                cur = all[i] == 1 ? out : err;
                i += 2;
            } else if (cur != null) {
                cur.write(all[i]);
            }
        }
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private ToolboxSockets() {
    }
}
