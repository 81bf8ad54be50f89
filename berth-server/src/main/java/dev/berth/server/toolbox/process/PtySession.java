package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.AgentProcess;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExitStatus;
import dev.berth.runner.agent.ProcessListener;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * This replica's attachment to one of the sandbox's terminals ({@link AgentPtys}), with the WebSocket clients it
 * serves. The terminal itself runs detached in the agent: it outlives its clients and this replica, and any
 * replica can attach to it once this one has let go (the agent serves one attachment at a time). Output is sent
 * to every client from the attachment's reader thread (each client is a bounded
 * {@code ConcurrentWebSocketSessionDecorator}, so a stalled client is dropped rather than buffered without end;
 * a slow one slows the terminal, like a real one).
 */
final class PtySession implements ProcessListener {

    private static final Duration START_WAIT = Duration.ofSeconds(10);

    private final String id;
    private final int maxClients;
    private final Runnable onRelease;
    private final List<WebSocketSession> clients = new CopyOnWriteArrayList<>();
    private volatile AgentProcess process;
    private volatile ExitStatus exit;
    private volatile boolean released;
    /** Open once the terminal is started or attached: input sent right after "connected" waits for it. */
    private final CountDownLatch ready = new CountDownLatch(1);

    /** @param onRelease called once, when the attachment ends (no clients left, or the terminal exited) */
    PtySession(String id, int maxClients, Runnable onRelease) {
        this.id = id;
        this.maxClients = maxClients;
        this.onRelease = onRelease;
    }

    /** The login shell of a new terminal ({@code bash -l} if the image has bash, else {@code sh -l}). */
    static ExecRequest shell(SandboxAgent agent, String cwd, Map<String, String> envs, String user, int cols,
            int rows) {
        String shell = hasBash(agent) ? "/bin/bash" : "/bin/sh";
        return new ExecRequest(List.of(shell, "-l"), cwd, envs, false, user, true, cols, rows, null);
    }

    /** Starts a new terminal and attaches to it; returns its pid. */
    int start(SandboxAgent agent, ExecRequest req) throws AgentException {
        try {
            process = agent.startTerminal(req, this);
            return process.pid();
        } finally {
            ready.countDown();
        }
    }

    /** Attaches to a running terminal. */
    void attachTo(SandboxAgent agent, int pid) throws AgentException {
        try {
            process = agent.attachTerminal(pid, this);
        } finally {
            ready.countDown();
        }
    }

    private AgentProcess running() {
        try {
            ready.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AgentProcess p = process;
        if (p == null || exit != null) {
            throw new ToolboxException(ToolboxError.SESSION_ENDED, "PTY session '" + id + "' has exited");
        }
        return p;
    }

    private static boolean hasBash(SandboxAgent agent) {
        try {
            agent.stat("/bin/bash");
            return true;
        } catch (AgentException e) {
            return false;
        }
    }

    String id() {
        return id;
    }

    /** Adds a client; it gets the "connected" control message first (or the exit, if already exited). */
    boolean attach(WebSocketSession ws) throws IOException {
        if (clients.size() >= maxClients) {
            PtyFrames.fail(ws, "PTY session '" + id + "' already has " + maxClients + " clients");
            return false;
        }
        if (released) {
            return false; // the attachment has just ended: the caller makes a new one
        }
        clients.add(ws);
        ws.sendMessage(new TextMessage(PtyFrames.CONNECTED));
        ExitStatus e = exit;
        if (e != null && clients.remove(ws)) {
            PtyFrames.exited(ws, e);
        }
        return true;
    }

    /** Removes a client; the last one to leave ends the attachment (the terminal keeps running in the agent). */
    void detach(WebSocketSession ws) {
        clients.remove(ws);
        if (clients.isEmpty()) {
            release();
        }
    }

    void input(byte[] data) throws AgentException {
        running().writeStdin(data);
    }

    /** Ends this replica's attachment: the agent keeps the terminal, detached. */
    void release() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        AgentProcess p = process;
        if (p != null) {
            p.close();
        }
        onRelease.run();
    }

    @Override
    public void onStdout(byte[] data) {
        BinaryMessage m = new BinaryMessage(data);
        for (WebSocketSession ws : clients) {
            try {
                ws.sendMessage(m);
            } catch (IOException | RuntimeException e) {
                clients.remove(ws);
                PtyFrames.closeQuietly(ws, CloseStatus.SESSION_NOT_RELIABLE);
            }
        }
    }

    @Override
    public void onExit(ExitStatus status) {
        exit = status;
        for (WebSocketSession ws : clients) {
            clients.remove(ws);
            PtyFrames.exited(ws, status);
        }
        release();
    }

    @Override
    public void onError(AgentException error) {
        if (!released) {
            onExit(new ExitStatus(255, 0, false, false));
        }
    }
}
