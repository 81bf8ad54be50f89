package dev.berth.server.toolbox.process;

import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PTYs of one sandbox attached through this replica, bounded in number. A PTY's terminal lives as long as
 * its WebSocket to this replica; sessions are kept in the sandbox instead ({@link AgentSessions}).
 */
final class SandboxProcesses {

    private final ProcessProperties props;
    private final Map<String, PtySession> ptys = new LinkedHashMap<>();
    private boolean closed;

    SandboxProcesses(ProcessProperties props) {
        this.props = props;
    }

    static String checkId(String kind, String id) {
        if (id == null || id.isBlank() || id.length() > 128 || !id.matches("[A-Za-z0-9._:@-]+")
                || id.matches("\\.+")) {
            throw ToolboxException.badRequest(kind + " id must be 1-128 characters of A-Z a-z 0-9 . _ : @ - "
                    + "(not only dots)");
        }
        return id;
    }

    /** Registers a PTY under its id; finished PTYs are forgotten first when the bound is reached. */
    synchronized void addPty(PtySession p) {
        ensureOpen();
        if (ptys.containsKey(p.id())) {
            throw new ToolboxException(ToolboxError.CONFLICT, "PTY session '" + p.id() + "' already exists");
        }
        ptys.values().removeIf(x -> !x.isActive());
        if (ptys.size() >= props.ptysPerSandbox()) {
            throw new ToolboxException(ToolboxError.QUOTA_EXCEEDED, "this sandbox already has " + props.ptysPerSandbox()
                    + " PTY sessions; kill one first");
        }
        ptys.put(p.id(), p);
    }

    synchronized boolean hasPty(String id) {
        return ptys.containsKey(id);
    }

    synchronized List<PtySession> ptys() {
        return new ArrayList<>(ptys.values());
    }

    synchronized PtySession pty(String id) {
        PtySession p = ptys.get(id);
        if (p == null) {
            throw new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "PTY session '" + id + "' not found");
        }
        return p;
    }

    void deletePty(String id) {
        PtySession p;
        synchronized (this) {
            p = ptys.remove(id);
        }
        if (p == null) {
            throw new ToolboxException(ToolboxError.PROCESS_NOT_FOUND, "PTY session '" + id + "' not found");
        }
        p.kill();
    }

    /** Kills every PTY. */
    void close() {
        List<PtySession> p;
        synchronized (this) {
            closed = true;
            p = new ArrayList<>(ptys.values());
            ptys.clear();
        }
        p.forEach(PtySession::kill);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ToolboxException(ToolboxError.CONFLICT, "the sandbox is stopping");
        }
    }
}
