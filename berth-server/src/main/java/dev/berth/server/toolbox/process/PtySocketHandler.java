package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxException;
import java.time.Clock;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * PTY terminals (§5.3): {@code pty/create-connect} creates the PTY and attaches, {@code pty/{id}/connect}
 * attaches to a running one. Keystrokes arrive as binary (or text) frames; the PTY outlives its clients.
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@Component
class PtySocketHandler extends AbstractWebSocketHandler {

    private static final String PTY = PtySocketHandler.class.getName() + ".pty";
    private static final String OUT = PtySocketHandler.class.getName() + ".out";

    private final ProcessProperties props;
    private final Clock clock;
    private final SandboxEnv env;

    PtySocketHandler(ProcessProperties props, Clock clock, SandboxEnv env) {
        this.props = props;
        this.clock = clock;
        this.env = env;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession ws) throws Exception {
        // output comes from the PTY's reader thread, control frames from others: one bounded, thread-safe sender
        WebSocketSession out = new ConcurrentWebSocketSessionDecorator(ws, 10_000, 1 << 20);
        ws.getAttributes().put(OUT, out);
        SocketTarget target = (SocketTarget) ws.getAttributes().get(SocketTarget.ATTRIBUTE);
        if (target instanceof SocketTarget.AttachPty a) {
            ws.getAttributes().put(PTY, a.pty());
            a.pty().attach(out);
        } else if (target instanceof SocketTarget.CreatePty c) {
            PtySession pty = new PtySession(c.id(), c.cols(), c.rows(), c.cwd(), c.envs(), clock.instant(),
                    props.clientsPerPty());
            try {
                c.sandbox().addPty(pty);
            } catch (ToolboxException e) {
                PtyFrames.fail(out, e.getMessage());
                return;
            }
            ws.getAttributes().put(PTY, pty);
            pty.attach(out); // "connected" goes out before any output
            try {
                pty.start(c.target().agent(), c.target().sandbox().getOsUser(), r -> env.apply(c.target(), r));
            } catch (AgentException e) {
                c.sandbox().deletePty(pty.id());
                PtyFrames.fail(out, "could not start the terminal: " + e.getMessage());
            }
        }
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession ws, BinaryMessage message) throws Exception {
        byte[] data = new byte[message.getPayloadLength()];
        message.getPayload().get(data);
        input(ws, data);
    }

    @Override
    protected void handleTextMessage(WebSocketSession ws, TextMessage message) throws Exception {
        input(ws, message.asBytes());
    }

    private void input(WebSocketSession ws, byte[] data) {
        if (ws.getAttributes().get(PTY) instanceof PtySession pty) {
            try {
                pty.input(data);
            } catch (AgentException | ToolboxException e) {
                // the PTY has exited or is exiting; its exit frame is on its way
            }
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession ws, CloseStatus status) {
        if (ws.getAttributes().get(PTY) instanceof PtySession pty
                && ws.getAttributes().get(OUT) instanceof WebSocketSession out) {
            pty.detach(out);
        }
    }
}
