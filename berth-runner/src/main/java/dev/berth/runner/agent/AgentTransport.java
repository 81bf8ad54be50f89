package dev.berth.runner.agent;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * How a connection to a sandbox's agent is made: directly on the runner host (the sandbox's unix
 * socket, {@link UnixAgentTransport}, which authenticates), or from the control plane through a runner's authenticated tunnel. The bytes after
 * connecting are the agent protocol either way.
 */
public interface AgentTransport {

    /** A fresh, unconnected channel (the caller's deadline closes it if {@link #connect} hangs). */
    SocketChannel open() throws IOException;

    /** Connects the channel to the agent; afterwards it carries the agent protocol. */
    void connect(SocketChannel channel) throws IOException;

    /** Human-readable target for messages. */
    String describe();
}
