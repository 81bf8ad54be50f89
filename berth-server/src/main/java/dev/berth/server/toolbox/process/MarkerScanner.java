package dev.berth.server.toolbox.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits one output stream of a session shell into data and in-band markers. A marker is
 * {@code 0x1E "BERTH" <nonce> ":" <body> 0x1E} with a body of at most {@link #MAX_BODY} bytes; the nonce is
 * random per session so output of a command is very unlikely to look like one (and forging one only confuses
 * that session's own bookkeeping). Bytes that might start a marker are held back until they are decided, so
 * markers split across chunks are found; at most prefix + body bytes are ever held.
 */
final class MarkerScanner {

    static final byte RS = 0x1e;
    static final int MAX_BODY = 32;

    interface Sink {
        void data(byte[] bytes);

        void marker(String body);
    }

    private final byte[] prefix;
    private byte[] held = new byte[0];

    MarkerScanner(String nonce) {
        this.prefix = (((char) RS) + "BERTH" + nonce + ":").getBytes(StandardCharsets.US_ASCII);
    }

    static String marker(String nonce, String body) {
        return ((char) RS) + "BERTH" + nonce + ":" + body + ((char) RS);
    }

    void feed(byte[] chunk, Sink sink) {
        byte[] work = held.length == 0 ? chunk : concat(held, chunk);
        held = new byte[0];
        int emitted = 0;
        int i = 0;
        while (i < work.length) {
            if (work[i] != RS) {
                i++;
                continue;
            }
            int match = prefixMatch(work, i);
            if (match < 0) {
                i++;
                continue;
            }
            if (match < prefix.length) { // a partial prefix at the end: decide with the next chunk
                hold(work, emitted, i, sink);
                return;
            }
            int bodyStart = i + prefix.length;
            int end = indexOf(work, RS, bodyStart, Math.min(work.length, bodyStart + MAX_BODY + 1));
            if (end < 0) {
                if (work.length - bodyStart <= MAX_BODY) { // terminator may still come
                    hold(work, emitted, i, sink);
                    return;
                }
                i++; // too long: not a marker, plain data
                continue;
            }
            if (i > emitted) {
                sink.data(Arrays.copyOfRange(work, emitted, i));
            }
            sink.marker(new String(work, bodyStart, end - bodyStart, StandardCharsets.US_ASCII));
            i = end + 1;
            emitted = i;
        }
        if (work.length > emitted) {
            sink.data(emitted == 0 && work == chunk ? chunk : Arrays.copyOfRange(work, emitted, work.length));
        }
    }

    /** Emits whatever is held back as data (end of stream). */
    void flush(Sink sink) {
        if (held.length > 0) {
            sink.data(held);
            held = new byte[0];
        }
    }

    private void hold(byte[] work, int emitted, int from, Sink sink) {
        if (from > emitted) {
            sink.data(Arrays.copyOfRange(work, emitted, from));
        }
        held = Arrays.copyOfRange(work, from, work.length);
    }

    /** Length of the prefix matched at {@code at} (up to the end of the buffer), or -1 on a mismatch. */
    private int prefixMatch(byte[] work, int at) {
        int n = Math.min(prefix.length, work.length - at);
        for (int k = 0; k < n; k++) {
            if (work[at + k] != prefix[k]) {
                return -1;
            }
        }
        return n;
    }

    private static int indexOf(byte[] a, byte b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (a[k] == b) {
                return k;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
