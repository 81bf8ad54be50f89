package dev.berth.server.preview;

import dev.berth.runner.SandboxRunner;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.AgentProcess;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExitStatus;
import dev.berth.runner.agent.ProcessListener;
import dev.berth.runner.agent.SandboxAgent;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A byte stream to a port on a sandbox's own loopback, made by the sandbox's agent: it runs
 * {@code /.berth/agent --relay PORT} inside the sandbox, which connects to 127.0.0.1 (or ::1) there and copies
 * bytes both ways. So apps bound to 127.0.0.1 are reachable, sandboxes without network too, and nothing depends on
 * container addresses; the caller names only a port, never a host. Works through a remote runner's tunnel like any
 * agent call.
 *
 * <p>Memory is bounded: at most {@link #QUEUE_CHUNKS} chunks of the app's output (32 KiB each) wait here; beyond
 * that the agent's reader blocks, the agent stops reading the relay and the app's writes block (backpressure all
 * the way). Reads wait at most the idle timeout for a byte.
 */
final class PortRelay implements Closeable {

    static final int QUEUE_CHUNKS = 16;
    /** The relay's exit status when nothing accepts connections on the port. */
    static final int EXIT_REFUSED = 3;
    /** An agent from before the relay answers {@code --relay} with its usage and status 2. */
    static final int EXIT_USAGE = 2;

    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
    private final StringBuilder stderr = new StringBuilder();
    private final int port;
    private volatile AgentProcess process;
    private volatile boolean closed;
    private volatile ExitStatus exit;
    private volatile AgentException failure;
    private final Input input = new Input();
    private final Output output = new Output();

    private PortRelay(int port) {
        this.port = port;
    }

    static PortRelay open(SandboxAgent agent, int port) throws AgentException {
        PortRelay r = new PortRelay(port);
        r.process = agent.spawn(ExecRequest.of(SandboxRunner.AGENT_PATH, "--relay", Integer.toString(port)),
                r.new Listener());
        return r;
    }

    private final class Listener implements ProcessListener {
        @Override
        public void onStdout(byte[] data) {
            put(data);
        }

        @Override
        public void onStderr(byte[] data) {
            synchronized (stderr) {
                if (stderr.length() < 2048) {
                    stderr.append(new String(data, StandardCharsets.UTF_8), 0,
                            Math.min(data.length, 2048 - stderr.length()));
                }
            }
        }

        @Override
        public void onExit(ExitStatus status) {
            exit = status;
            put(END);
        }

        @Override
        public void onError(AgentException error) {
            failure = error;
            put(END);
        }
    }

    /** Hands a chunk to the reader, waiting while the queue is full (backpressure) unless the relay was closed. */
    private void put(byte[] chunk) {
        try {
            while (!closed) {
                if (chunks.offer(chunk, 200, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The app's bytes; reading waits at most {@code idle} for each chunk. */
    InputStream input(Duration idle) {
        input.idle = idle;
        return input;
    }

    /** Bytes to the app; {@link OutputStream#close()} half-closes (the app reads an end of stream). */
    OutputStream output() {
        return output;
    }

    /** True once the relay ended because nothing accepts connections on the port. */
    boolean refused() {
        ExitStatus e = exit;
        return e != null && e.exitCode() == EXIT_REFUSED;
    }

    /** True once the relay ended because the sandbox's agent predates it. */
    boolean agentTooOld() {
        ExitStatus e = exit;
        return e != null && e.exitCode() == EXIT_USAGE;
    }

    /** Why the relay ended early, for messages (its stderr, or the agent connection's failure). */
    String problem() {
        synchronized (stderr) {
            if (stderr.length() > 0) {
                return stderr.toString().strip();
            }
        }
        AgentException f = failure;
        if (f != null) {
            return f.getMessage();
        }
        ExitStatus e = exit;
        return e == null ? "the relay to port " + port + " ended" : "the relay to port " + port + " ended with status "
                + e.exitCode();
    }

    /** Waits up to {@code d} for the relay to end; true if it did. */
    boolean awaitEnd(Duration d) {
        AgentProcess p = process;
        if (p == null) {
            return ended();
        }
        try {
            p.onExit().get(d.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return ended();
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ended();
        }
    }

    boolean ended() {
        return exit != null || failure != null;
    }

    private volatile boolean expired;

    /** Ends the relay because a deadline passed (a reader then fails instead of waiting). */
    void expire() {
        expired = true;
        close();
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        closed = true;
        AgentProcess p = process;
        if (p != null) {
            p.close();
        }
        chunks.clear();
        // wake a reader waiting for the app's bytes: the stream ends here
        chunks.offer(END);
    }

    private final class Input extends InputStream {
        private byte[] current = END;
        private int pos;
        private boolean eof;
        private Duration idle = Duration.ofMinutes(5);

        private boolean fill() throws IOException {
            while (pos >= current.length) {
                if (eof) {
                    return false;
                }
                byte[] next;
                try {
                    next = chunks.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading from port " + port);
                }
                if (next == null) {
                    throw new SocketTimeoutException("port " + port + " sent nothing for " + idle.toSeconds() + " s");
                }
                if (next == END) {
                    eof = true;
                    if (expired) {
                        throw new SocketTimeoutException("the deadline for port " + port + " passed");
                    }
                    ExitStatus st = exit;
                    if (!closed && st != null && st.exitCode() != 0 && st.exitCode() != EXIT_REFUSED
                            && st.exitCode() != EXIT_USAGE) {
                        // the relay failed mid-stream (a reset, an I/O error): not a clean end of the app's bytes
                        throw new IOException("the connection to port " + port + " failed: " + problem());
                    }
                    if (failure != null) {
                        throw new IOException("the sandbox's agent connection failed: " + failure.getMessage(),
                                failure);
                    }
                    return false;
                }
                current = next;
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return current.length - pos;
        }
    }

    private final class Output extends OutputStream {
        private boolean shut;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (shut) {
                throw new IOException("the request to port " + port + " was already ended");
            }
            try {
                process.writeStdin(b, off, len);
            } catch (AgentException e) {
                throw new IOException("writing to port " + port + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            if (shut) {
                return;
            }
            shut = true;
            try {
                process.closeStdin();
            } catch (AgentException e) {
                if (!ended()) {
                    throw new IOException("ending the request to port " + port + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
