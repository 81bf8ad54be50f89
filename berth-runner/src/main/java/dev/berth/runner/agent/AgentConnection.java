package dev.berth.runner.agent;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection = one operation. Blocking {@link SocketChannel}; deadlines are enforced by a shared watchdog
 * thread that closes the channel when they expire (the blocked read/write then fails and is reported as
 * {@link AgentErrorCode#TIMEOUT}). Every length received is validated before anything is allocated.
 */
final class AgentConnection implements Closeable {
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-agent-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(Wire.HEADER);
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean expired;

    private AgentConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects through {@code transport} and performs the HELLO handshake, both within {@code timeout}. */
    static AgentConnection open(AgentTransport transport, Duration timeout) throws AgentException {
        SocketChannel ch;
        try {
            ch = transport.open();
        } catch (IOException e) {
            throw new AgentException(AgentErrorCode.CONNECTION_FAILED, "cannot open a channel to " + transport.describe(), e);
        }
        AgentConnection c = new AgentConnection(ch);
        ScheduledFuture<?> guard = c.arm(timeout);
        try {
            try {
                transport.connect(ch);
            } catch (IOException e) {
                throw c.failure("connect " + transport.describe(), e);
            }
            c.send(Wire.T_HELLO, new Wire.Out().u32(Wire.MAGIC).u16(Wire.VERSION).toBytes());
            Wire.Frame f = c.read();
            if (f.type() == Wire.R_ERROR) {
                throw AgentClient.error(f, AgentErrorCode.PROTOCOL_ERROR);
            }
            if (f.type() != Wire.R_HELLO) {
                throw AgentException.protocol("expected HELLO, got frame 0x" + Integer.toHexString(f.type()));
            }
            Wire.In in = new Wire.In(f.payload());
            int agentVersion = in.u16();
            in.str(256); // the agent's name: not used, but part of the frame
            in.end();
            if (agentVersion != Wire.VERSION) {
                throw AgentException.protocol("unsupported agent protocol version " + agentVersion);
            }
            return c;
        } catch (AgentException e) {
            c.close();
            throw e;
        } finally {
            disarm(guard);
        }
    }

    /** Schedules a close of this connection after {@code d} (null = no deadline). */
    ScheduledFuture<?> arm(Duration d) {
        if (d == null) {
            return null;
        }
        return WATCHDOG.schedule(() -> {
            expired = true;
            close();
        }, Math.max(1, d.toNanos()), TimeUnit.NANOSECONDS);
    }

    static void disarm(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    AgentException failure(String what, IOException e) {
        if (e instanceof AgentException ae) {
            return ae;
        }
        if (expired) {
            return new AgentException(AgentErrorCode.TIMEOUT, what + ": deadline expired", e);
        }
        return new AgentException(AgentErrorCode.CONNECTION_FAILED, what + ": " + e.getMessage(), e);
    }

    void send(int type, byte[] payload) throws AgentException {
        send(type, payload, 0, payload.length);
    }

    void send(int type, byte[] data, int off, int len) throws AgentException {
        if (len < 0 || len > Wire.FRAME_MAX - 1) {
            throw new IllegalArgumentException("frame too large: " + len);
        }
        synchronized (writeLock) {
            ByteBuffer h = ByteBuffer.allocate(Wire.HEADER);
            h.putInt(len + 1).put((byte) type).flip();
            ByteBuffer[] bufs = {h, ByteBuffer.wrap(data, off, len)};
            try {
                while (bufs[0].hasRemaining() || bufs[1].hasRemaining()) {
                    channel.write(bufs);
                }
            } catch (IOException e) {
                throw failure("send to agent", e);
            }
        }
    }

    /** Reads one frame (blocking). Only one thread may read at a time. */
    Wire.Frame read() throws AgentException {
        try {
            header.clear();
            readFully(header);
            header.flip();
            long len = header.getInt() & 0xffffffffL;
            int type = header.get() & 0xff;
            if (len < 1 || len > Wire.FRAME_MAX) {
                throw AgentException.protocol("frame length " + len + " out of bounds");
            }
            byte[] payload = new byte[(int) len - 1];
            if (payload.length > 0) {
                readFully(ByteBuffer.wrap(payload));
            }
            return new Wire.Frame(type, payload);
        } catch (AgentException e) {
            throw e;
        } catch (IOException e) {
            throw failure("read from agent", e);
        }
    }

    /** Reads one frame within {@code timeout}. */
    Wire.Frame read(Duration timeout) throws AgentException {
        ScheduledFuture<?> g = arm(timeout);
        try {
            return read();
        } finally {
            disarm(g);
        }
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new AgentException(AgentErrorCode.CONNECTION_FAILED, 0, "agent closed the connection");
            }
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
