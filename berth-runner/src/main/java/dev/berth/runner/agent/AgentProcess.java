package dev.berth.runner.agent;

import java.io.Closeable;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Handle of a streaming process started by {@link AgentClient#spawn}. Closing the handle before the process
 * exited makes the agent SIGKILL the process group. Writes block while the process does not consume stdin.
 */
public final class AgentProcess implements Closeable {
    private final AgentConnection conn;
    private final int pid;
    private final ProcessListener listener;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    AgentProcess(AgentConnection conn, int pid, ProcessListener listener) {
        this.conn = conn;
        this.pid = pid;
        this.listener = listener;
    }

    /** Reader loop, runs on an {@link AgentThreads} thread. */
    void pump() {
        try {
            while (true) {
                Wire.Frame f = conn.read();
                switch (f.type()) {
                    case Wire.R_STDOUT -> listener.onStdout(f.payload());
                    case Wire.R_STDERR -> listener.onStderr(f.payload());
                    case Wire.R_EXIT -> {
                        ExitStatus st = ExitStatus.decode(f.payload());
                        conn.close();
                        listener.onExit(st);
                        exit.complete(st);
                        return;
                    }
                    case Wire.R_ERROR -> throw AgentClient.execError(f);
                    default -> throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        } catch (AgentException e) {
            conn.close();
            if (!exit.isDone()) {
                if (!closedByUser) {
                    listener.onError(e);
                }
                exit.completeExceptionally(e);
            }
        } catch (RuntimeException e) {
            conn.close();
            exit.completeExceptionally(e);
        }
    }

    private volatile boolean closedByUser;

    /** Process id inside the sandbox (also its process group and session id). */
    public int pid() {
        return pid;
    }

    public void writeStdin(byte[] data) throws AgentException {
        writeStdin(data, 0, data.length);
    }

    public void writeStdin(byte[] data, int off, int len) throws AgentException {
        while (len > 0) {
            int n = Math.min(len, Wire.CHUNK);
            conn.send(Wire.T_STDIN, data, off, n);
            off += n;
            len -= n;
        }
    }

    /** Closes stdin (for a PTY: sends the EOF character ^D). */
    public void closeStdin() throws AgentException {
        conn.send(Wire.T_CLOSE_STDIN, new byte[0]);
    }

    /** Sends a signal to the process group. */
    public void signal(int signo) throws AgentException {
        if (signo < 1 || signo > 64) {
            throw new IllegalArgumentException("bad signal " + signo);
        }
        conn.send(Wire.T_SIGNAL, new Wire.Out().u32(signo).toBytes());
    }

    public void resize(int cols, int rows) throws AgentException {
        if (cols < 1 || cols > 65535 || rows < 1 || rows > 65535) {
            throw new IllegalArgumentException("bad terminal size");
        }
        conn.send(Wire.T_RESIZE, new Wire.Out().u16(cols).u16(rows).toBytes());
    }

    /** Completes with the exit status, or exceptionally with an {@link AgentException}. */
    public CompletableFuture<ExitStatus> onExit() {
        return exit;
    }

    /** Waits for the exit; empty if it did not happen within {@code timeout}. */
    public Optional<ExitStatus> awaitExit(Duration timeout) throws AgentException, InterruptedException {
        try {
            return Optional.of(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AgentException ae) {
                throw ae;
            }
            throw new AgentException(AgentErrorCode.OPERATION_FAILED, "process stream failed", e.getCause());
        }
    }

    public boolean isAlive() {
        return !exit.isDone();
    }

    /** Disconnects; if the process is still running the agent kills its process group. */
    @Override
    public void close() {
        closedByUser = true;
        conn.close();
    }
}
