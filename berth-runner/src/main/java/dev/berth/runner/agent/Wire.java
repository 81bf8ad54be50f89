package dev.berth.runner.agent;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Wire constants and bounds-checked payload codecs for the berth-agent protocol (docs/agent-protocol.md). */
final class Wire {
    private Wire() {}

    static final int VERSION = 1;
    static final int MAGIC = 0x42525448; // "BRTH"
    static final int HEADER = 5;
    /** Max value of the length field (type byte + payload), both directions. */
    static final int FRAME_MAX = 1 << 20;
    /** Data chunk size the client sends (stdin, file data). */
    static final int CHUNK = 64 * 1024;

    // client -> agent
    static final int T_AUTH = 0x03, T_HELLO = 0x01, T_PING = 0x02, T_SPAWN = 0x10, T_STDIN = 0x11, T_CLOSE_STDIN = 0x12,
            T_SIGNAL = 0x13, T_RESIZE = 0x14, T_ATTACH = 0x15, T_PTY_RESIZE = 0x16, T_STAT = 0x20, T_LIST = 0x21, T_READ = 0x22, T_WRITE = 0x23,
            T_DATA = 0x24, T_DATA_END = 0x25, T_MKDIR = 0x26, T_MOVE = 0x27, T_DELETE = 0x28, T_CHMOD = 0x29,
            T_CHOWN = 0x2A, T_LOGS = 0x30;
    // agent -> client
    static final int R_AUTH_OK = 0x83, R_HELLO = 0x81, R_PONG = 0x82, R_SPAWNED = 0x90, R_STDOUT = 0x91, R_STDERR = 0x92,
            R_EXIT = 0x93, R_STAT = 0xA0, R_ENTRIES = 0xA1, R_DATA = 0xA2, R_END = 0xA3, R_OK = 0xA4,
            R_LOG = 0xB0, R_ERROR = 0xE0;

    static final int SPAWN_PTY = 1, SPAWN_ENV_REPLACE = 2, SPAWN_STDIN_CLOSED = 4, SPAWN_DETACH = 8;
    static final int MAX_STRING = 4096;

    /** One received frame. */
    record Frame(int type, byte[] payload) {
        Frame {
            payload = payload == null ? new byte[0] : payload;
        }
    }

    /** Growable payload builder. */
    static final class Out {
        private byte[] buf = new byte[128];
        private int len;

        private void ensure(int n) {
            long need = (long) len + n;
            if (need > FRAME_MAX - 1) {
                throw new RequestTooLargeException(need);
            }
            if (need > buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(FRAME_MAX, Math.max(need, buf.length * 2L)));
            }
        }

        Out u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
            return this;
        }

        Out u16(int v) {
            ensure(2);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
            return this;
        }

        Out u32(long v) {
            ensure(4);
            buf[len++] = (byte) (v >>> 24);
            buf[len++] = (byte) (v >>> 16);
            buf[len++] = (byte) (v >>> 8);
            buf[len++] = (byte) v;
            return this;
        }

        Out u64(long v) {
            u32(v >>> 32);
            return u32(v & 0xffffffffL);
        }

        Out str(String s) {
            byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Bounds-checked reader over a received payload. Any violation is a protocol error. */
    static final class In {
        private final ByteBuffer b;

        In(byte[] payload) {
            this.b = ByteBuffer.wrap(payload);
        }

        private void need(int n) throws AgentException {
            if (b.remaining() < n) {
                throw AgentException.protocol("truncated frame payload");
            }
        }

        int u8() throws AgentException {
            need(1);
            return b.get() & 0xff;
        }

        int u16() throws AgentException {
            need(2);
            return b.getShort() & 0xffff;
        }

        long u32() throws AgentException {
            need(4);
            return b.getInt() & 0xffffffffL;
        }

        int i32() throws AgentException {
            need(4);
            return b.getInt();
        }

        long u64() throws AgentException {
            need(8);
            return b.getLong();
        }

        String str(int max) throws AgentException {
            long n = u32();
            if (n > max || n > b.remaining()) {
                throw AgentException.protocol("string length " + n + " out of bounds");
            }
            byte[] s = new byte[(int) n];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }

        int remaining() {
            return b.remaining();
        }

        void end() throws AgentException {
            if (b.hasRemaining()) {
                throw AgentException.protocol("trailing bytes in frame");
            }
        }
    }
}
