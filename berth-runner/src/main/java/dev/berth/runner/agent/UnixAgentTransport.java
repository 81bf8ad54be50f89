package dev.berth.runner.agent;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Connects to a sandbox's agent on this host and authenticates with the sandbox's token. The socket's
 * directory is writable by the sandbox, so the socket entry may have been replaced (a symlink to another
 * sandbox's socket, or to any host socket): a symlink or non-socket is refused before connecting (a clear
 * error), and what a swap between that check and the connect could still reach is refused by the token.
 *
 * @param socket  host path of the agent's socket
 * @param token   the sandbox's token (see {@code AgentTokens}); never sent anywhere but this socket
 * @param sandbox the sandbox id, for messages
 */
public record UnixAgentTransport(Path socket, String token, String sandbox) implements AgentTransport {

    /** Messages name the socket as the sandbox sees it, never the host path. */
    private static final String IN_SANDBOX = "/.berth/run/agent.sock";
    private static final int S_IFMT = 0170000, S_IFSOCK = 0140000, S_IFLNK = 0120000;

    public UnixAgentTransport {
        Objects.requireNonNull(socket);
        Objects.requireNonNull(token);
        Objects.requireNonNull(sandbox);
    }

    @Override
    public SocketChannel open() throws IOException {
        return SocketChannel.open(StandardProtocolFamily.UNIX);
    }

    @Override
    public void connect(SocketChannel channel) throws IOException {
        checkNotReplaced();
        channel.connect(UnixDomainSocketAddress.of(socket));
        AgentAuth.authenticate(channel, token, sandbox);
    }

    /** lstat of the directory and of the socket: neither may be a symlink, the socket must be a socket. */
    private void checkNotReplaced() throws IOException {
        int dirType = type(socket.getParent());
        if (dirType == S_IFLNK) {
            throw untrusted("its agent directory is a symbolic link");
        }
        int type;
        try {
            type = type(socket);
        } catch (NoSuchFileException e) {
            throw new AgentException(AgentErrorCode.CONNECTION_FAILED, 0, "the agent of sandbox " + sandbox
                    + " has no socket (" + IN_SANDBOX + "): is the sandbox started?");
        }
        if (type == S_IFLNK) {
            throw untrusted("its agent socket (" + IN_SANDBOX + ") was replaced by a symbolic link from inside the "
                    + "sandbox; Berth does not follow it");
        }
        if (type != S_IFSOCK) {
            throw untrusted("its agent socket (" + IN_SANDBOX + ") was replaced by something that is not a socket");
        }
    }

    private AgentException untrusted(String what) {
        return new AgentException(AgentErrorCode.AGENT_UNTRUSTED, 0, "refusing to connect to sandbox " + sandbox + ": "
                + what + "; restart the sandbox to recreate the socket");
    }

    private static int type(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & S_IFMT;
    }

    /** Names the sandbox, not the host path (messages reach the tenant). */
    @Override
    public String describe() {
        return "the agent socket of sandbox " + sandbox;
    }
}
