package dev.berth.server.ssh;

import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;

/**
 * The gateway's SSH session. Its user name is an access token, so it never shows it: MINA names a session
 * {@code <user>@<address>} in what it logs; this one is {@code SshSession[access <id>@<address>]}. MINA logs with
 * the session's class as the logger, so this class's logger is held at ERROR like {@code org.apache.sshd}
 * (application.yml): some of MINA's own messages (e.g. "Session {user}@{address} authenticated") print the user
 * name itself.
 */
final class GatewaySession extends ServerSessionImpl {

    GatewaySession(ServerFactoryManager server, IoSession io) throws Exception {
        super(server, io);
    }

    @Override
    public String toString() {
        SshGrant g = getAttribute(SshAuth.GRANT);
        return "SshSession[" + (g == null ? "unauthenticated" : "access " + g.accessId()) + "@"
                + getIoSession().getRemoteAddress() + "]";
    }
}
