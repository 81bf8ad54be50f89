package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.LogChunk;
import dev.berth.runner.agent.LogListener;
import dev.berth.runner.agent.LogStream;
import dev.berth.runner.agent.LogSubscription;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import java.io.Closeable;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * {@code .../command/{cid}/logs?follow=true} and {@code .../entrypoint/logs?follow=true}: output framed with the
 * stdout/stderr markers, closed normally when the command (or entrypoint) has finished. No subprotocol.
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@Component
class LogFollowHandler extends AbstractWebSocketHandler {

    private final SessionLogStreams streams;

    private final dev.berth.server.sandbox.ActivityTracker activity;

    LogFollowHandler(SessionLogStreams streams, dev.berth.server.sandbox.ActivityTracker activity) {
        this.streams = streams;
        this.activity = activity;
    }

    private static final String HOLD = LogFollowHandler.class.getName() + ".hold";

    private static final String STOP = LogFollowHandler.class.getName() + ".stop";

    @Override
    public void afterConnectionEstablished(WebSocketSession ws) throws IOException {
        SocketTarget target = (SocketTarget) ws.getAttributes().get(SocketTarget.ATTRIBUTE);
        // a followed log keeps its sandbox active until it closes (the idle policies wait)
        ws.getAttributes().put(HOLD, activity.hold(target.target().sandbox().getId()));
        if (target instanceof SocketTarget.CommandLogs c) {
            ws.getAttributes().put(STOP, streams.follow(c.target(), c.sessionId(), c.commandId(), ws));
        } else if (target instanceof SocketTarget.EntrypointLogs e) {
            // the agent's log stream has its own reader thread: blocking sends (bounded) just slow that stream
            var out = new ConcurrentWebSocketSessionDecorator(ws, 10_000, 1 << 20);
            try {
                LogSubscription sub = e.target().agent().entrypointLogs(true, new Forward(out));
                ws.getAttributes().put(STOP, sub);
            } catch (AgentException ex) {
                PtyFrames.closeQuietly(ws, CloseStatus.SERVER_ERROR.withReason("agent: " + ex.code()));
            }
        } else {
            PtyFrames.closeQuietly(ws, CloseStatus.SERVER_ERROR);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession ws, CloseStatus status) throws IOException {
        if (ws.getAttributes().get(HOLD) instanceof dev.berth.server.sandbox.ActivityTracker.Hold h) {
            h.close();
        }
        if (ws.getAttributes().get(STOP) instanceof Closeable c) {
            c.close();
        }
    }

    private record Forward(WebSocketSession out) implements LogListener {
        @Override
        public void onLog(LogChunk chunk) {
            try {
                out.sendMessage(new BinaryMessage(LogFrames.encode(chunk.stream() == LogStream.STDOUT, chunk.data())));
            } catch (IOException | RuntimeException e) {
                PtyFrames.closeQuietly(out, CloseStatus.SESSION_NOT_RELIABLE);
            }
        }

        @Override
        public void onEnd() {
            PtyFrames.closeQuietly(out, CloseStatus.NORMAL);
        }

        @Override
        public void onError(AgentException error) {
            PtyFrames.closeQuietly(out, CloseStatus.SERVER_ERROR.withReason("agent: " + error.code()));
        }
    }
}
