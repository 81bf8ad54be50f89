package dev.berth.server.ssh;

import java.io.IOException;
import java.util.Map;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionFactory;

/**
 * Session channels that remember whether the client asked for a terminal ({@code pty-req}): the request's modes may be
 * empty (OpenSSH sends none when its own input is not a terminal, as under {@code ssh -tt}), so they cannot tell.
 * The only channel type offered: no forwarding channels.
 */
final class TerminalAwareChannels extends ChannelSessionFactory {

    static final AttributeKey<Boolean> PTY_REQUESTED = new AttributeKey<>();

    @Override
    public Channel createChannel(Session session) throws IOException {
        return new ChannelSession() {
            @Override
            protected RequestHandler.Result handlePtyReqParsed(String term, int cols, int rows, int width, int height,
                    Map<PtyMode, Integer> modes) throws IOException {
                setAttribute(PTY_REQUESTED, Boolean.TRUE);
                return super.handlePtyReqParsed(term, cols, rows, width, height, modes);
            }
        };
    }
}
