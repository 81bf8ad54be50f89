package dev.berth.runner.agent;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Streams a file from the sandbox, one agent DATA frame (at most 64 KiB) at a time; memory use is bounded
 * by one frame. Each blocking read is bounded by the client's I/O timeout. Close it to abort.
 */
public final class ReadStream extends InputStream {
    private final AgentConnection conn;
    private final FileInfo info;
    private final Duration ioTimeout;
    private final long limit;
    private byte[] chunk = new byte[0];
    private int pos;
    private long received;
    private boolean eof;

    ReadStream(AgentConnection conn, FileInfo info, Duration ioTimeout, long limit) {
        this.conn = conn;
        this.info = info;
        this.ioTimeout = ioTimeout;
        this.limit = limit;
    }

    /** Metadata of the opened file (fstat of the open descriptor). */
    public FileInfo info() {
        return info;
    }

    private boolean fill() throws IOException {
        while (pos >= chunk.length) {
            if (eof) {
                return false;
            }
            Wire.Frame f = conn.read(ioTimeout);
            switch (f.type()) {
                case Wire.R_DATA -> {
                    received += f.payload().length;
                    if (received > limit) {
                        conn.close();
                        throw AgentException.protocol("agent sent more data than requested");
                    }
                    chunk = f.payload();
                    pos = 0;
                }
                case Wire.R_END -> {
                    eof = true;
                    conn.close();
                    return false;
                }
                case Wire.R_ERROR -> {
                    conn.close();
                    throw AgentClient.error(f, AgentErrorCode.FILE_READ_FAILED);
                }
                default -> {
                    conn.close();
                    throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return chunk[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, chunk.length - pos);
        System.arraycopy(chunk, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() {
        return chunk.length - pos;
    }

    @Override
    public void close() {
        eof = true;
        conn.close();
    }
}
