package dev.berth.runner.node;

import dev.berth.protocol.runner.RunnerProtocol;
import dev.berth.runner.agent.AgentErrorCode;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.AgentTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's endpoint for toolbox traffic: the control plane connects over TCP, proves it knows
 * this runner's secret, names a sandbox, and is spliced to that sandbox's agent socket once this runner
 * has authenticated to the agent with the sandbox's token. Bind it
 * where sandboxes cannot reach it (loopback or a management interface, never the sandbox bridge).
 */
public final class AgentTunnelServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentTunnelServer.class);
    private static final Pattern SANDBOX_ID = Pattern.compile("[0-9a-f-]{36}");
    private static final int MAX_PREAMBLE = 512;
    private static final int MAX_TUNNELS = 512;

    private final ServerSocket server;
    private final byte[] secret;
    private final Function<String, AgentTransport> agentOf;
    /** Closes a unix connection whose connect + AUTH exchange outlives its deadline (a silent peer). */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-tunnel-deadline");
        t.setDaemon(true);
        return t;
    });
    private static final long AUTH_DEADLINE_MS = 5000;
    private final ExecutorService pool = new ThreadPoolExecutor(0, MAX_TUNNELS * 2, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "agent-tunnel");
                t.setDaemon(true);
                return t;
            });
    private final Thread acceptor;

    /** {@code agentOf} gives the authenticated unix transport of a sandbox ({@code SandboxRunner::agentTransport}). */
    public AgentTunnelServer(InetSocketAddress bind, String secret, Function<String, AgentTransport> agentOf)
            throws IOException {
        this.server = new ServerSocket();
        this.server.bind(bind);
        this.secret = secret.getBytes(StandardCharsets.US_ASCII);
        this.agentOf = agentOf;
        this.acceptor = new Thread(this::acceptLoop, "agent-tunnel-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    /** host:port the control plane should use. */
    public String endpoint() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                try {
                    pool.execute(() -> serve(s));
                } catch (java.util.concurrent.RejectedExecutionException full) {
                    s.close();
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log.warn("tunnel accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String line = readLine(in);
            String[] f = line == null ? new String[0] : line.split(" ");
            if (f.length != 3 || !f[0].equals(RunnerProtocol.TUNNEL_PREAMBLE)
                    || !MessageDigest.isEqual(f[1].getBytes(StandardCharsets.US_ASCII), secret)) {
                out.write("ERR unauthorized\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            if (!SANDBOX_ID.matcher(f[2]).matches()) {
                out.write("ERR bad sandbox id\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            // the runner, not the control plane, proves the sandbox's token on the unix socket (the token never
            // leaves this host); a socket that leads anywhere else is refused before a byte is spliced
            AgentTransport transport = agentOf.apply(f[2]);
            try (SocketChannel agent = transport.open()) {
                ScheduledFuture<?> deadline = DEADLINES.schedule(() -> closeQuietly(agent), AUTH_DEADLINE_MS,
                        TimeUnit.MILLISECONDS);
                try {
                    transport.connect(agent);
                } catch (IOException e) {
                    String code = e instanceof AgentException ae ? ae.code().name() : AgentErrorCode.CONNECTION_FAILED.name();
                    log.warn("tunnel to the agent of sandbox {} refused: {}", f[2], e.getMessage());
                    out.write(("ERR " + code + " " + String.valueOf(e.getMessage()).replaceAll("[^\\x20-\\x7e]", " ")
                            + "\n").getBytes(StandardCharsets.US_ASCII));
                    return;
                } finally {
                    deadline.cancel(false);
                }
                out.write("OK\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.setSoTimeout(0);
                splice(s, agent);
            }
        } catch (IOException e) {
            log.debug("tunnel closed: {}", e.getMessage());
        }
    }

    /**
     * Copies bytes both ways. The channel is used directly (not through Channels streams, which
     * serialize reads and writes on the channel's blocking lock and would deadlock a duplex copy).
     */
    private void splice(Socket s, SocketChannel agent) throws IOException {
        InputStream fromClient = s.getInputStream();
        OutputStream toClient = s.getOutputStream();
        var up = pool.submit(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = fromClient.read(buf)) > 0) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        agent.write(b);
                    }
                }
            } catch (IOException ignored) {
                // either side closed
            } finally {
                try {
                    agent.shutdownOutput();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64 * 1024);
            while (agent.read(b) > 0) {
                toClient.write(b.array(), 0, b.position());
                toClient.flush();
                b.clear();
            }
        } finally {
            up.cancel(true);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < MAX_PREAMBLE; i++) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            if (c == '\n') {
                return b.toString();
            }
            b.append((char) c);
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        pool.shutdownNow();
    }
}
