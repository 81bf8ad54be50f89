package dev.berth.runner.agent;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;

/**
 * Client of the in-sandbox {@code berth-agent} over its UNIX socket (host side of the bind mount). Pure JDK.
 *
 * <p>Every operation opens its own connection (connect + HELLO), so one client may be used by any number of
 * threads. The agent runs inside an untrusted sandbox: every frame is length-checked (max 1 MiB), collected
 * output is capped ({@code maxOutputBytes} per stream, flagged as truncated), listings are capped at
 * {@code maxListEntries}, and every blocking step has a deadline.
 *
 * <p>Threads: {@link #spawn} and {@link #entrypointLogs(boolean, LogListener)} use one reader thread each from a
 * shared bounded daemon pool (see {@link AgentThreads}, default max 512); {@link #exec(ExecRequest, byte[],
 * Duration)} with stdin borrows one for the stdin writer. Everything else runs on the caller's thread.
 */
public final class AgentClient implements SandboxAgent {
    /** Extra time after the agent-side timeout before the client gives up on an exec. */
    public static final Duration EXEC_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_LIST_ENTRIES = 100_000;

    private final AgentTransport transport;
    private final Duration connectTimeout;
    private final Duration ioTimeout;
    private final int maxOutputBytes;
    private final AgentFileClient files;

    /** A client of the agent on this host listening on {@code socket}, proving {@code token} on every connection. */
    public AgentClient(Path socket, String token, String sandbox, Duration connectTimeout) {
        this(new UnixAgentTransport(socket, token, sandbox), connectTimeout);
    }

    /** A client whose connections go through {@code transport} (e.g. a runner's tunnel). */
    public AgentClient(AgentTransport transport, Duration connectTimeout) {
        this(transport, connectTimeout, Duration.ofSeconds(30), DEFAULT_MAX_OUTPUT, DEFAULT_MAX_LIST_ENTRIES);
    }

    /**
     * @param ioTimeout      bound of each blocking step of file operations (one frame read/write)
     * @param maxOutputBytes cap of collected stdout and of collected stderr in {@link #exec}, and of
     *                       {@link #entrypointLogs()}
     */
    public AgentClient(AgentTransport transport, Duration connectTimeout, Duration ioTimeout, int maxOutputBytes,
                       int maxListEntries) {
        this.transport = Objects.requireNonNull(transport);
        this.connectTimeout = Objects.requireNonNull(connectTimeout);
        this.ioTimeout = Objects.requireNonNull(ioTimeout);
        if (maxOutputBytes < 0 || maxListEntries < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.maxOutputBytes = maxOutputBytes;
        this.files = new AgentFileClient(this::connect, ioTimeout, maxListEntries);
    }

    private AgentConnection connect() throws AgentException {
        return AgentConnection.open(transport, connectTimeout);
    }

    // ------------------------------------------------------------------ helpers

    static AgentException error(Wire.Frame f, AgentErrorCode fallback) throws AgentException {
        Wire.In in = new Wire.In(f.payload());
        int errno = in.i32();
        String msg = in.str(Wire.MAX_STRING);
        in.end();
        if (errno <= 0 || errno > 4095) {
            throw AgentException.protocol("bad errno " + errno);
        }
        return new AgentException(AgentErrorCode.fromErrno(errno, fallback), errno, msg);
    }

    /** Spawn failures are EXEC_FAILED whatever the errno (ENOENT = command or cwd not found), except protocol errors. */
    static AgentException execError(Wire.Frame f) throws AgentException {
        AgentException e = error(f, AgentErrorCode.EXEC_FAILED);
        if (e.code() == AgentErrorCode.PROTOCOL_ERROR) {
            return e;
        }
        return new AgentException(AgentErrorCode.EXEC_FAILED, e.errno(), e.getMessage());
    }

    static LogChunk decodeLog(Wire.Frame f) throws AgentException {
        byte[] p = f.payload();
        if (p.length < 1 || (p[0] != 1 && p[0] != 2)) {
            throw AgentException.protocol("bad log frame");
        }
        byte[] data = new byte[p.length - 1];
        System.arraycopy(p, 1, data, 0, data.length);
        return new LogChunk(p[0] == 1 ? LogStream.STDOUT : LogStream.STDERR, data);
    }

    private static final class Capped {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        final int max;
        boolean truncated;

        Capped(int max) {
            this.max = max;
        }

        void add(byte[] d) {
            int room = max - buf.size();
            if (d.length > room) {
                truncated = true;
            }
            if (room > 0) {
                buf.write(d, 0, Math.min(room, d.length));
            }
        }
    }

    // ------------------------------------------------------------------ basic

    /** Round trip; returns the agent's version string. */
    @Override
    public String ping() throws AgentException {
        try (AgentConnection c = connect()) {
            c.send(Wire.T_PING, new byte[0]);
            Wire.Frame f = c.read(ioTimeout);
            if (f.type() != Wire.R_PONG) {
                throw AgentException.protocol("expected PONG");
            }
            Wire.In in = new Wire.In(f.payload());
            String v = in.str(256);
            in.end();
            return v;
        }
    }

    // ------------------------------------------------------------------ processes

    /** Runs a process to completion without stdin; see {@link #exec(ExecRequest, byte[], Duration)}. */
    @Override
    public ExecResult exec(ExecRequest req, Duration timeout) throws AgentException {
        return exec(req, null, timeout);
    }

    /**
     * Runs a process to completion. {@code timeout} (unless the request has its own) is enforced by the agent,
     * which SIGKILLs the whole process group and reports {@code timedOut}; the client additionally gives up
     * {@link #EXEC_GRACE} later (TIMEOUT error, the disconnect makes the agent kill the group).
     *
     * @param stdin bytes fed to stdin, then stdin is closed (null = closed immediately)
     */
    @Override
    public ExecResult exec(ExecRequest req, byte[] stdin, Duration timeout) throws AgentException {
        Objects.requireNonNull(timeout, "timeout");
        Duration agentTimeout = req.timeout() != null ? req.timeout() : timeout;
        AgentConnection c = connect();
        ScheduledFuture<?> g = c.arm(agentTimeout.plus(EXEC_GRACE));
        try {
            boolean noStdin = stdin == null || stdin.length == 0;
            c.send(Wire.T_SPAWN, req.encode(agentTimeout, noStdin));
            int pid = readSpawned(c);
            if (noStdin && req.tty()) {
                try {
                    c.send(Wire.T_CLOSE_STDIN, new byte[0]);
                } catch (AgentException e) {
                    // the process may already have exited and the agent closed; its EXIT is still readable
                }
            } else if (!noStdin) {
                AgentThreads.start(() -> {
                    try {
                        for (int off = 0; off < stdin.length; off += Wire.CHUNK) {
                            c.send(Wire.T_STDIN, stdin, off, Math.min(Wire.CHUNK, stdin.length - off));
                        }
                        c.send(Wire.T_CLOSE_STDIN, new byte[0]);
                    } catch (AgentException e) {
                        // the reader sees the failure (or the process exited without reading stdin)
                    }
                });
            }
            Capped out = new Capped(maxOutputBytes);
            Capped err = new Capped(maxOutputBytes);
            while (true) {
                Wire.Frame f = c.read();
                switch (f.type()) {
                    case Wire.R_STDOUT -> out.add(f.payload());
                    case Wire.R_STDERR -> err.add(f.payload());
                    case Wire.R_EXIT -> {
                        ExitStatus st = ExitStatus.decode(f.payload());
                        return new ExecResult(pid, st, out.buf.toByteArray(), err.buf.toByteArray(), out.truncated,
                                err.truncated);
                    }
                    case Wire.R_ERROR -> throw execError(f);
                    default -> throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        } finally {
            AgentConnection.disarm(g);
            c.close();
        }
    }

    /**
     * Starts a process that outlives this call and the connection (the agent spawns it detached, stdin closed):
     * returns its pid once it has printed its first line on stdout (its signal that it is set up), after which
     * its output is no longer read. A process that exits first, or prints nothing within the I/O timeout, fails
     * the call with its exit code and stderr.
     */
    @Override
    public int startDetached(ExecRequest req) throws AgentException {
        if (req.tty()) {
            throw new IllegalArgumentException("a detached process cannot have a terminal");
        }
        AgentConnection c = connect();
        ScheduledFuture<?> g = c.arm(ioTimeout);
        try {
            c.send(Wire.T_SPAWN, req.encode(null, true, true));
            int pid = readSpawned(c);
            Capped err = new Capped(4096);
            while (true) {
                Wire.Frame f = c.read();
                switch (f.type()) {
                    case Wire.R_STDOUT -> {
                        for (byte b : f.payload()) {
                            if (b == '\n') {
                                return pid;
                            }
                        }
                    }
                    case Wire.R_STDERR -> err.add(f.payload());
                    case Wire.R_EXIT -> {
                        ExitStatus st = ExitStatus.decode(f.payload());
                        throw new AgentException(AgentErrorCode.EXEC_FAILED, 0, "exited with code " + st.exitCode()
                                + " before it was ready: " + err.buf.toString(java.nio.charset.StandardCharsets.UTF_8)
                                .strip());
                    }
                    case Wire.R_ERROR -> throw execError(f);
                    default -> throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        } finally {
            AgentConnection.disarm(g);
            c.close();
        }
    }

    private int readSpawned(AgentConnection c) throws AgentException {
        Wire.Frame f = c.read();
        if (f.type() == Wire.R_ERROR) {
            throw execError(f);
        }
        if (f.type() != Wire.R_SPAWNED) {
            throw AgentException.protocol("expected SPAWNED, got 0x" + Integer.toHexString(f.type()));
        }
        Wire.In in = new Wire.In(f.payload());
        long pid = in.u32();
        in.end();
        if (pid < 1 || pid > Integer.MAX_VALUE) {
            throw AgentException.protocol("bad pid");
        }
        return (int) pid;
    }

    /**
     * Starts a streaming process. The listener is called from a dedicated reader thread of the shared pool.
     * Output is not buffered by the client: a slow listener slows the process down (agent backpressure).
     */
    @Override
    public AgentProcess spawn(ExecRequest req, ProcessListener listener) throws AgentException {
        return stream(Wire.T_SPAWN, req.encode(req.timeout(), false), listener);
    }

    @Override
    public AgentProcess startTerminal(ExecRequest req, ProcessListener listener) throws AgentException {
        if (!req.tty()) {
            throw new IllegalArgumentException("a terminal needs a tty");
        }
        return stream(Wire.T_SPAWN, req.encode(req.timeout(), false, true), listener);
    }

    @Override
    public AgentProcess attachTerminal(int pid, ProcessListener listener) throws AgentException {
        return stream(Wire.T_ATTACH, new Wire.Out().u32(pid).toBytes(), listener);
    }

    @Override
    public void resizeTerminal(int pid, int cols, int rows) throws AgentException {
        if (cols < 1 || cols > 65535 || rows < 1 || rows > 65535) {
            throw new IllegalArgumentException("bad terminal size");
        }
        try (AgentConnection c = connect()) {
            ScheduledFuture<?> g = c.arm(ioTimeout);
            try {
                c.send(Wire.T_PTY_RESIZE, new Wire.Out().u32(pid).u16(cols).u16(rows).toBytes());
                Wire.Frame f = c.read();
                if (f.type() == Wire.R_ERROR) {
                    throw error(f, AgentErrorCode.OPERATION_FAILED);
                }
                if (f.type() != Wire.R_OK) {
                    throw AgentException.protocol("expected OK, got 0x" + Integer.toHexString(f.type()));
                }
            } finally {
                AgentConnection.disarm(g);
            }
        }
    }

    /** Sends a request whose answer is SPAWNED and then a process stream (SPAWN, ATTACH). */
    private AgentProcess stream(int type, byte[] payload, ProcessListener listener) throws AgentException {
        Objects.requireNonNull(listener, "listener");
        AgentConnection c = connect();
        try {
            ScheduledFuture<?> g = c.arm(ioTimeout);
            int pid;
            try {
                c.send(type, payload);
                pid = readSpawned(c);
            } finally {
                AgentConnection.disarm(g);
            }
            AgentProcess p = new AgentProcess(c, pid, listener);
            AgentThreads.start(p::pump);
            return p;
        } catch (AgentException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ files (AgentFileClient)

    @Override
    public FileInfo stat(String path) throws AgentException {
        return files.stat(path);
    }

    @Override
    public FileInfo stat(String path, boolean followLinks) throws AgentException {
        return files.stat(path, followLinks);
    }

    @Override
    public List<FileInfo> list(String path) throws AgentException {
        return files.list(path);
    }

    @Override
    public ReadStream openRead(String path) throws AgentException {
        return files.openRead(path);
    }

    @Override
    public ReadStream openRead(String path, long offset, long length) throws AgentException {
        return files.openRead(path, offset, length);
    }

    @Override
    public void write(String path, InputStream data, int mode) throws AgentException {
        files.write(path, data, mode);
    }

    @Override
    public void write(String path, InputStream data, int mode, boolean createParents, String owner, String group)
            throws AgentException {
        files.write(path, data, mode, createParents, owner, group);
    }

    @Override
    public void mkdir(String path, int mode, boolean parents) throws AgentException {
        files.mkdir(path, mode, parents);
    }

    @Override
    public void move(String source, String target, boolean overwrite) throws AgentException {
        files.move(source, target, overwrite);
    }

    @Override
    public void delete(String path, boolean recursive) throws AgentException {
        files.delete(path, recursive);
    }

    @Override
    public void chmod(String path, int mode) throws AgentException {
        files.chmod(path, mode);
    }

    @Override
    public void chown(String path, String user, String group) throws AgentException {
        files.chown(path, user, group);
    }

    // ------------------------------------------------------------------ entrypoint logs

    /** Snapshot of the entrypoint log ring buffer, capped at {@code maxOutputBytes} in total. */
    @Override
    public List<LogChunk> entrypointLogs() throws AgentException {
        try (AgentConnection c = connect()) {
            c.send(Wire.T_LOGS, new Wire.Out().u32(0).toBytes());
            List<LogChunk> out = new ArrayList<>();
            long total = 0;
            while (true) {
                Wire.Frame f = c.read(ioTimeout);
                switch (f.type()) {
                    case Wire.R_LOG -> {
                        LogChunk ch = decodeLog(f);
                        total += ch.data().length;
                        if (total > maxOutputBytes) {
                            return out;
                        }
                        out.add(ch);
                    }
                    case Wire.R_END -> {
                        return out;
                    }
                    case Wire.R_ERROR -> throw error(f, AgentErrorCode.OPERATION_FAILED);
                    default -> throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        }
    }

    /**
     * Streams the entrypoint logs to {@code listener} from a reader thread: the ring buffer contents, then (with
     * {@code follow}) new output until the entrypoint exits ({@link LogListener#onExit}, then {@code onEnd}).
     */
    @Override
    public LogSubscription entrypointLogs(boolean follow, LogListener listener) throws AgentException {
        Objects.requireNonNull(listener, "listener");
        AgentConnection c = connect();
        try {
            c.send(Wire.T_LOGS, new Wire.Out().u32(follow ? 1 : 0).toBytes());
            LogSubscription s = new LogSubscription(c, listener);
            AgentThreads.start(s::pump);
            return s;
        } catch (AgentException | RuntimeException e) {
            c.close();
            throw e;
        }
    }
}
