package dev.berth.server.toolbox.process;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.WebSocketSession;

/**
 * Streams a session command's {@link OutputLog} to one WebSocket with a cursor and one asynchronous send at a
 * time: the producer (the session shell's reader) never waits for the client and nothing is buffered beyond
 * the log itself; a client that falls behind the log's cap skips what was dropped. Closes normally once the
 * command has finished and everything was sent.
 */
final class LogFollower implements Runnable {

    private static final int PAGE = 64 * 1024;

    private final OutputLog log;
    private final WebSocketSession ws;
    private final RemoteEndpoint.Async remote;
    private long cursor;
    private boolean sending;
    private boolean stopped;

    LogFollower(OutputLog log, WebSocketSession ws) {
        this.log = log;
        this.ws = ws;
        this.remote = ((NativeWebSocketSession) ws).getNativeSession(Session.class).getAsyncRemote();
    }

    void start() {
        log.addListener(this);
        run();
    }

    void stop() {
        synchronized (this) {
            stopped = true;
        }
        log.removeListener(this);
    }

    /** Sends the next page if no send is in flight; called on every log change and after each send. */
    @Override
    public void run() {
        OutputLog.Page page;
        synchronized (this) {
            if (sending || stopped) {
                return;
            }
            page = log.readFrom(cursor, PAGE);
            if (page.chunks().isEmpty()) {
                if (page.complete()) {
                    stopped = true;
                    log.removeListener(this);
                    PtyFrames.closeQuietly(ws, CloseStatus.NORMAL);
                }
                return;
            }
            sending = true;
            cursor = page.next();
        }
        ByteBuffer frame = LogFrames.encode(page.chunks());
        try {
            remote.sendBinary(frame, result -> {
                synchronized (this) {
                    sending = false;
                }
                if (result.isOK()) {
                    run();
                } else {
                    stop();
                }
            });
        } catch (RuntimeException e) {
            stop();
            PtyFrames.closeQuietly(ws, CloseStatus.SERVER_ERROR);
        }
    }
}
