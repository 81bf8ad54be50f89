package dev.berth.server.toolbox.process;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Daytona's log-follow framing: one byte stream where {@code 01 01 01} switches to stdout and {@code 02 02 02}
 * to stderr (§5.2 of the contract). Every chunk carries its marker, which the SDK's demultiplexer accepts.
 */
final class LogFrames {

    static final byte[] STDOUT = {1, 1, 1};
    static final byte[] STDERR = {2, 2, 2};

    private LogFrames() {
    }

    static ByteBuffer encode(List<OutputLog.Chunk> chunks) {
        int n = 0;
        for (OutputLog.Chunk c : chunks) {
            n += 3 + c.data().length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (OutputLog.Chunk c : chunks) {
            b.put(c.stream() == OutputLog.Stream.STDOUT ? STDOUT : STDERR).put(c.data());
        }
        return b.flip();
    }
}
