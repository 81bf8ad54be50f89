package dev.berth.server.toolbox.process;

import java.nio.ByteBuffer;

/**
 * Daytona's log-follow framing: one byte stream where {@code 01 01 01} switches to stdout and {@code 02 02 02}
 * to stderr (§5.2 of the contract). Every chunk carries its marker, which the SDK's demultiplexer accepts.
 */
final class LogFrames {

    static final byte[] STDOUT = {1, 1, 1};
    static final byte[] STDERR = {2, 2, 2};

    private LogFrames() {
    }

    /** One chunk of one stream, with its marker. */
    static ByteBuffer encode(boolean stdout, byte[] data) {
        return ByteBuffer.allocate(3 + data.length).put(stdout ? STDOUT : STDERR).put(data).flip();
    }
}
