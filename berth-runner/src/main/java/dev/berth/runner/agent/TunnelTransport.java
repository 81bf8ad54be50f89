package dev.berth.runner.agent;

import dev.berth.protocol.runner.RunnerProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reaches a sandbox's agent through its runner's tunnel: TCP to the runner's endpoint, a one-line
 * preamble with the runner's secret and the sandbox id, then the agent protocol end to end.
 */
public final class TunnelTransport implements AgentTransport {

    private static final int MAX_REPLY = 1024;

    private final String host;
    private final int port;
    private final String secret;
    private final String sandboxId;
    private final String runnerId;

    public TunnelTransport(String runnerId, String endpoint, String secret, String sandboxId) {
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("runner endpoint must be host:port, got '" + endpoint + "'");
        }
        this.host = endpoint.substring(0, colon);
        this.port = Integer.parseInt(endpoint.substring(colon + 1));
        this.secret = secret;
        this.sandboxId = sandboxId;
        this.runnerId = runnerId;
    }

    @Override
    public SocketChannel open() throws IOException {
        return SocketChannel.open();
    }

    @Override
    public void connect(SocketChannel ch) throws IOException {
        try {
            ch.connect(new InetSocketAddress(host, port));
        } catch (java.net.ConnectException e) {
            // nothing listens where the runner said its tunnel is: the runner process, not the sandbox, is away
            throw new AgentException(AgentErrorCode.RUNNER_UNREACHABLE, "runner " + runnerId + " does not answer on "
                    + "its tunnel " + host + ":" + port + " (" + e.getMessage() + "): its process stopped or is "
                    + "restarting; nothing was sent to the sandbox, retry when the runner is back", e);
        }
        ByteBuffer out = ByteBuffer.wrap((RunnerProtocol.TUNNEL_PREAMBLE + " " + secret + " " + sandboxId + "\n")
                .getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            ch.write(out);
        }
        // read the reply one byte at a time so no agent bytes are consumed past the newline
        StringBuilder reply = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (reply.length() < MAX_REPLY) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException(describe() + " closed the connection: " + reply);
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                break;
            }
            reply.append(c);
        }
        String r = reply.toString();
        String untrusted = "ERR " + AgentErrorCode.AGENT_UNTRUSTED.name() + " ";
        if (r.startsWith(untrusted)) {
            // the runner found the sandbox's socket replaced or its agent refused the token: the same error as on the host
            throw new AgentException(AgentErrorCode.AGENT_UNTRUSTED, 0, r.substring(untrusted.length()));
        }
        if (!r.equals("OK")) {
            throw new IOException(describe() + " refused: " + r);
        }
    }

    @Override
    public String describe() {
        return "runner " + runnerId + "'s tunnel " + host + ":" + port + " (sandbox " + sandboxId + ")";
    }
}
