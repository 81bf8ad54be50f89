package dev.berth.runner.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The first exchange on every unix connection to an agent: the runner sends this sandbox's token
 * ({@code AUTH}) and the agent answers {@code AUTH_OK} or refuses. The socket's path lies in a
 * directory the sandbox can write, so the peer may be another sandbox's agent; that agent refuses
 * a token that is not its own, and nothing else is ever sent to it. The caller's deadline closes
 * the channel if the peer stays silent.
 */
public final class AgentAuth {

    /** An AUTH_OK is empty; an ERROR carries errno + a message of at most ~1 KiB. */
    private static final int MAX_REPLY = 4096;
    private static final int EACCES = 13;

    private AgentAuth() {
    }

    /** Proves {@code token} on {@code ch}, or throws {@link AgentErrorCode#AGENT_UNTRUSTED} naming {@code sandbox}. */
    public static void authenticate(SocketChannel ch, String token, String sandbox) throws IOException {
        write(ch, Wire.T_AUTH, new Wire.Out().str(token).toBytes());
        ByteBuffer header = ByteBuffer.allocate(Wire.HEADER);
        readFully(ch, header, sandbox);
        long len = header.getInt(0) & 0xffffffffL;
        int type = header.get(4) & 0xff;
        if (len < 1 || len > MAX_REPLY) {
            throw AgentException.protocol("reply to AUTH of length " + len + " from the agent of sandbox " + sandbox);
        }
        ByteBuffer payload = ByteBuffer.allocate((int) len - 1);
        readFully(ch, payload, sandbox);
        Wire.Frame f = new Wire.Frame(type, payload.array());
        if (type == Wire.R_AUTH_OK && f.payload().length == 0) {
            return;
        }
        if (type != Wire.R_ERROR) {
            throw AgentException.protocol("expected AUTH_OK from the agent of sandbox " + sandbox + ", got frame 0x"
                    + Integer.toHexString(type));
        }
        AgentException refused = AgentClient.error(f, AgentErrorCode.AGENT_UNTRUSTED);
        if (refused.errno() == EACCES) {
            throw new AgentException(AgentErrorCode.AGENT_UNTRUSTED, EACCES, "the agent socket of sandbox " + sandbox
                    + " refused this sandbox's token: " + refused.getMessage());
        }
        // an agent from before authentication answers "unknown frame type"
        throw new AgentException(AgentErrorCode.AGENT_UNTRUSTED, refused.errno(), "the agent of sandbox " + sandbox
                + " does not authenticate (" + refused.getMessage() + "); it was started by an older Berth: "
                + "restart the sandbox");
    }

    private static void write(SocketChannel ch, int type, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Wire.HEADER + payload.length);
        b.putInt(payload.length + 1).put((byte) type).put(payload).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void readFully(SocketChannel ch, ByteBuffer b, String sandbox) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new AgentException(AgentErrorCode.CONNECTION_FAILED, 0, "the agent of sandbox " + sandbox
                        + " closed the connection during authentication");
            }
        }
    }
}
