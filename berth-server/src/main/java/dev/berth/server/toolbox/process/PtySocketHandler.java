package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
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
    private static final String HOLD = PtySocketHandler.class.getName() + ".hold";

    private final ProcessProperties props;
    private final Clock clock;
    private final SandboxEnv env;
    private final AgentPtys terminals;

    private final dev.berth.server.sandbox.ActivityTracker activity;

    PtySocketHandler(ProcessProperties props, Clock clock, SandboxEnv env, AgentPtys terminals,
            dev.berth.server.sandbox.ActivityTracker activity) {
        this.activity = activity;
        this.props = props;
        this.clock = clock;
        this.env = env;
        this.terminals = terminals;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession ws) throws Exception {
        // output comes from the attachment's reader thread, control frames from others: one bounded, thread-safe
        // sender
        WebSocketSession out = new ConcurrentWebSocketSessionDecorator(ws, 10_000, 1 << 20);
        ws.getAttributes().put(OUT, out);
        SocketTarget target = (SocketTarget) ws.getAttributes().get(SocketTarget.ATTRIBUTE);
        // an attached terminal keeps its sandbox active until it closes (the idle policies wait)
        ws.getAttributes().put(HOLD, activity.hold(target.target().sandbox().getId()));
        if (target instanceof SocketTarget.AttachPty a) {
            attach(a, out, ws);
        } else if (target instanceof SocketTarget.CreatePty c) {
            create(c, out, ws);
        }
    }

    private void create(SocketTarget.CreatePty c, WebSocketSession out, WebSocketSession ws) throws IOException {
        PtySession pty = session(c.sandbox(), c.id());
        if (!c.sandbox().add(pty)) {
            PtyFrames.fail(out, "PTY session '" + c.id() + "' already exists");
            return;
        }
        ws.getAttributes().put(PTY, pty);
        pty.attach(out); // "connected" goes out before any output
        var t = c.target();
        int pid;
        try {
            pid = pty.start(t.agent(), env.apply(t, PtySession.shell(t.agent(), c.cwd(), c.envs(),
                    t.sandbox().getOsUser(), c.cols(), c.rows())));
        } catch (AgentException e) {
            pty.release();
            PtyFrames.fail(out, "could not start the terminal: " + e.getMessage());
            return;
        }
        try {
            terminals.record(t, c.id(), pid, c.cols(), c.rows(), c.cwd(), c.envs(), clock.instant().toString());
        } catch (AgentException | ToolboxException e) {
            PtyFrames.fail(out, "could not record the terminal: " + e.getMessage());
            try {
                t.agent().exec(ExecRequest.of("/bin/sh", "-c", SessionScripts.KILL, "kill",
                        Integer.toString(pid)), Duration.ofSeconds(10));
            } catch (AgentException ignored) {
                // the attachment's end below leaves it detached; the sandbox's stop ends it
            }
            pty.release();
        }
    }

    private void attach(SocketTarget.AttachPty a, WebSocketSession out, WebSocketSession ws) throws IOException {
        String id = a.pty().id();
        for (int attempt = 0; attempt < 3; attempt++) {
            PtySession existing = a.sandbox().attachment(id);
            if (existing != null) {
                if (existing.attach(out)) {
                    ws.getAttributes().put(PTY, existing);
                    return;
                }
                continue; // it was ending: make a new one
            }
            PtySession pty = session(a.sandbox(), id);
            if (!a.sandbox().add(pty)) {
                continue; // another client of this replica attached a moment ago: join it
            }
            try {
                pty.attachTo(a.target().agent(), a.pty().pid());
            } catch (AgentException e) {
                pty.release();
                PtyFrames.fail(out, e.errno() == 16 // EBUSY
                        ? "PTY session '" + id + "' is attached through another control-plane replica; one replica "
                                + "serves a terminal at a time, retry once its clients have left"
                        : "PTY session '" + id + "' has exited");
                return;
            }
            ws.getAttributes().put(PTY, pty);
            pty.attach(out);
            return;
        }
        PtyFrames.fail(out, "PTY session '" + id + "' is busy; retry");
    }

    private PtySession session(SandboxProcesses sandbox, String id) {
        PtySession[] self = new PtySession[1];
        self[0] = new PtySession(id, props.clientsPerPty(), () -> sandbox.remove(id, self[0]));
        return self[0];
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
        if (ws.getAttributes().get(HOLD) instanceof dev.berth.server.sandbox.ActivityTracker.Hold h) {
            h.close();
        }
        if (ws.getAttributes().get(PTY) instanceof PtySession pty
                && ws.getAttributes().get(OUT) instanceof WebSocketSession out) {
            pty.detach(out);
        }
    }
}
