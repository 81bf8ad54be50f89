package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import jakarta.annotation.PreDestroy;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * Follows a session command's output for a WebSocket ({@code .../command/{id}/logs?follow=true}) by reading the
 * command's files in the sandbox from where it last stopped, every {@value #POLL_MS} ms while nothing is new and
 * at once while output flows; closes normally once the command has finished and everything was sent. The
 * command may have been started through any replica. At most {@code followersPerCommand} followers per command
 * on this replica (a bound on this replica's work, not state anyone else needs).
 */
@Component
class SessionLogStreams {

    static final int POLL_MS = 50;
    private static final int PAGE = 64 * 1024;

    private final ProcessProperties props;
    private final AgentSessions sessions;
    private final Map<String, AtomicInteger> followers = new ConcurrentHashMap<>();
    /** Polls are short agent reads; a few threads serve every follower of this replica. */
    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "session-log-follow");
        t.setDaemon(true);
        return t;
    });

    SessionLogStreams(ProcessProperties props, AgentSessions sessions) {
        this.props = props;
        this.sessions = sessions;
    }

    /** Starts following; the returned handle stops it (idempotent). Beyond the limit the socket is closed (1008). */
    Closeable follow(Target t, String sessionId, String commandId, WebSocketSession ws) {
        String key = t.sandbox().getId() + "/" + sessionId + "/" + commandId;
        AtomicInteger n = followers.computeIfAbsent(key, k -> new AtomicInteger());
        if (n.incrementAndGet() > props.followersPerCommand()) {
            release(key, n);
            PtyFrames.closeQuietly(ws, CloseStatus.POLICY_VIOLATION.withReason("too many clients follow this command"));
            return () -> { };
        }
        Follower f = new Follower(t, sessionId, commandId, new ConcurrentWebSocketSessionDecorator(ws, 10_000,
                1 << 20), () -> release(key, n));
        f.schedule(0);
        return f::stop;
    }

    private void release(String key, AtomicInteger n) {
        if (n.decrementAndGet() <= 0) {
            followers.remove(key, n);
        }
    }

    @PreDestroy
    void shutdown() {
        ticks.shutdownNow();
    }

    private final class Follower {
        private final Target target;
        private final String sessionId;
        private final String commandId;
        private final String dir;
        private final WebSocketSession out;
        private final Runnable onStop;
        private long outPos;
        private long errPos;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private int ticksSinceLivenessCheck;

        Follower(Target target, String sessionId, String commandId, WebSocketSession out, Runnable onStop) {
            this.target = target;
            this.sessionId = sessionId;
            this.commandId = commandId;
            this.dir = SessionScripts.commandDir(sessionId, commandId);
            this.out = out;
            this.onStop = onStop;
        }

        void schedule(long delayMs) {
            if (!stopped.get()) {
                ticks.schedule(this::poll, delayMs, TimeUnit.MILLISECONDS);
            }
        }

        private void poll() {
            if (stopped.get()) {
                return;
            }
            try {
                SandboxAgent agent = target.agent();
                // finished is decided before reading: whatever the command wrote before its exit file is read below
                boolean finished = AgentSessions.exitCode(agent, dir) != null;
                if (!finished && ++ticksSinceLivenessCheck >= 40) {
                    ticksSinceLivenessCheck = 0;
                    finished = sessions.command(target, sessionId, commandId).exitCode() != null; // shell gone?
                }
                boolean sent = send(agent, true) | send(agent, false);
                if (sent) {
                    schedule(0);
                } else if (finished) {
                    stop();
                    PtyFrames.closeQuietly(out, CloseStatus.NORMAL);
                } else {
                    schedule(POLL_MS);
                }
            } catch (AgentException | RuntimeException e) {
                stop();
                PtyFrames.closeQuietly(out, CloseStatus.SERVER_ERROR.withReason("agent: " + e.getMessage()));
            }
        }

        private boolean send(SandboxAgent agent, boolean stdout) throws AgentException {
            long pos = stdout ? outPos : errPos;
            byte[] data = SandboxRecords.readRange(agent, dir + (stdout ? "/out" : "/err"), pos, PAGE);
            if (data == null || data.length == 0) {
                return false;
            }
            if (stdout) {
                outPos += data.length;
            } else {
                errPos += data.length;
            }
            try {
                out.sendMessage(new BinaryMessage(LogFrames.encode(stdout, data)));
            } catch (IOException | RuntimeException e) {
                stop();
                PtyFrames.closeQuietly(out, CloseStatus.SESSION_NOT_RELIABLE);
            }
            return true;
        }

        void stop() {
            if (stopped.compareAndSet(false, true)) {
                onStop.run();
            }
        }
    }
}
