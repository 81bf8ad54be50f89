package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.SandboxAgent;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.AgentProcess;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExitStatus;
import dev.berth.runner.agent.ProcessListener;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A pseudo-terminal running a login shell in the sandbox, with the WebSocket clients attached to it. Output is
 * sent to every client from the process's reader thread (each client is a bounded
 * {@code ConcurrentWebSocketSessionDecorator}, so a stalled client is dropped rather than buffered without end;
 * a slow one slows the terminal, like a real one).
 */
final class PtySession implements ProcessListener {

    private static final Duration START_WAIT = Duration.ofSeconds(10);

    private final String id;
    private final String cwd;
    private final Map<String, String> envs;
    private final Instant createdAt;
    private final int maxClients;
    private final List<WebSocketSession> clients = new CopyOnWriteArrayList<>();
    private volatile int cols;
    private volatile int rows;
    private volatile AgentProcess process;
    private volatile ExitStatus exit;
    /** Open once start() has returned: input and resize sent right after "connected" wait for the spawn. */
    private final CountDownLatch started = new CountDownLatch(1);

    PtySession(String id, int cols, int rows, String cwd, Map<String, String> envs, Instant createdAt, int maxClients) {
        this.id = id;
        this.cols = cols;
        this.rows = rows;
        this.cwd = cwd;
        this.envs = Map.copyOf(envs);
        this.createdAt = createdAt;
        this.maxClients = maxClients;
    }

    /** Starts the shell ({@code bash -l} if the image has bash, else {@code sh -l}). */
    void start(SandboxAgent agent, String user, UnaryOperator<ExecRequest> sandboxEnv) throws AgentException {
        try {
            String shell = hasBash(agent) ? "/bin/bash" : "/bin/sh";
            ExecRequest req = new ExecRequest(List.of(shell, "-l"), cwd, envs, false, user, true, cols, rows, null);
            process = agent.spawn(sandboxEnv.apply(req), this);
        } finally {
            started.countDown();
        }
    }

    /** The running process, after waiting (bounded) for a spawn in progress. */
    private AgentProcess running() {
        try {
            started.await(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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

    PtyInfo info() {
        return new PtyInfo(id, isActive(), cols, rows, cwd == null ? "" : cwd, envs, createdAt.toString(), false);
    }

    boolean isActive() {
        return exit == null && process != null && process.isAlive();
    }

    /** Attaches a client; it gets the "connected" control message first (or the exit, if already exited). */
    void attach(WebSocketSession ws) throws IOException {
        if (clients.size() >= maxClients) {
            PtyFrames.fail(ws, "PTY session '" + id + "' already has " + maxClients + " clients");
            return;
        }
        clients.add(ws);
        ws.sendMessage(new TextMessage(PtyFrames.CONNECTED));
        ExitStatus e = exit;
        if (e != null && clients.remove(ws)) {
            PtyFrames.exited(ws, e);
        }
    }

    void detach(WebSocketSession ws) {
        clients.remove(ws);
    }

    void input(byte[] data) throws AgentException {
        running().writeStdin(data);
    }

    PtyInfo resize(int newCols, int newRows) throws AgentException {
        if (newCols < 1 || newCols > 1000 || newRows < 1 || newRows > 1000) {
            throw ToolboxException.badRequest("cols and rows must be between 1 and 1000");
        }
        running().resize(newCols, newRows);
        cols = newCols;
        rows = newRows;
        return info();
    }

    /** Kills the shell's process group; clients get the exit as usual. */
    void kill() {
        AgentProcess p = process;
        if (p != null && p.isAlive()) {
            try {
                p.signal(9);
            } catch (AgentException e) {
                p.close();
            }
        }
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
    }

    @Override
    public void onError(AgentException error) {
        onExit(new ExitStatus(255, 0, false, false));
    }
}
