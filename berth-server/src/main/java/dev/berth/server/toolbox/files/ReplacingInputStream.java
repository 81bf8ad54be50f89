package dev.berth.server.toolbox.files;

import java.io.IOException;
import java.io.InputStream;

/**
 * Replaces every occurrence of a literal byte pattern, leftmost first and without overlaps (Go's
 * {@code strings.ReplaceAll}), while streaming: memory is the pattern and the replacement.
 */
final class ReplacingInputStream extends InputStream {

    private final InputStream in;
    private final byte[] pattern;
    private final byte[] replacement;
    private final byte[] window;
    private int windowLen;
    private byte[] pending = new byte[0];
    private int pendingPos;
    private boolean eof;

    ReplacingInputStream(InputStream in, byte[] pattern, byte[] replacement) {
        if (pattern.length == 0) {
            throw new IllegalArgumentException("empty pattern");
        }
        this.in = in;
        this.pattern = pattern.clone();
        this.replacement = replacement.clone();
        this.window = new byte[pattern.length];
    }

    @Override
    public int read() throws IOException {
        while (true) {
            if (pendingPos < pending.length) {
                return pending[pendingPos++] & 0xff;
            }
            while (!eof && windowLen < window.length) {
                int b = in.read();
                if (b < 0) {
                    eof = true;
                } else {
                    window[windowLen++] = (byte) b;
                }
            }
            if (windowLen == 0) {
                return -1;
            }
            if (windowLen == window.length && matches()) {
                pending = replacement;
                pendingPos = 0;
                windowLen = 0;
                continue;
            }
            int first = window[0] & 0xff;
            System.arraycopy(window, 1, window, 0, --windowLen);
            return first;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int c = read();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            b[off + n++] = (byte) c;
        }
        return n;
    }

    private boolean matches() {
        for (int i = 0; i < pattern.length; i++) {
            if (window[i] != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
