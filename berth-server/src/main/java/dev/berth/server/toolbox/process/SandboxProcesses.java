package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentClient;
import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.server.toolbox.ToolboxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The sessions and PTYs of one sandbox, bounded in number. */
final class SandboxProcesses {

    private final ProcessProperties props;
    private final Map<String, ShellSession> sessions = new LinkedHashMap<>();
    private final Map<String, PtySession> ptys = new LinkedHashMap<>();
    private final java.util.Set<String> reserved = new java.util.HashSet<>();
    private boolean closed;

    SandboxProcesses(ProcessProperties props) {
        this.props = props;
    }

    static String checkId(String kind, String id) {
        if (id == null || id.isBlank() || id.length() > 128 || !id.matches("[A-Za-z0-9._:@-]+")) {
            throw ToolboxException.badRequest(kind + " id must be 1-128 characters of A-Z a-z 0-9 . _ : @ -");
        }
        return id;
    }

    ShellSession createSession(String id, AgentClient agent, ExecRequest shell) throws AgentException {
        checkId("session", id);
        if (EntrypointController.ID.equals(id)) {
            throw new ToolboxException(409, "CONFLICT", "session id 'entrypoint' is reserved");
        }
        synchronized (this) {
            ensureOpen();
            if (sessions.containsKey(id) || reserved.contains(id)) {
                throw new ToolboxException(409, "CONFLICT", "session '" + id + "' already exists");
            }
            if (sessions.size() + reserved.size() >= props.sessionsPerSandbox()) {
                throw new ToolboxException(429, "CONFLICT", "this sandbox already has " + props.sessionsPerSandbox()
                        + " sessions; delete one first");
            }
            reserved.add(id);
        }
        ShellSession s = null;
        try {
            s = ShellSession.start(id, agent, shell, props);
            synchronized (this) {
                if (!closed) {
                    sessions.put(id, s);
                    ShellSession created = s;
                    s = null;
                    return created;
                }
            }
            throw new ToolboxException(409, "CONFLICT", "the sandbox is stopping");
        } finally {
            synchronized (this) {
                reserved.remove(id);
            }
            if (s != null) {
                s.close();
            }
        }
    }

    synchronized List<ShellSession> sessions() {
        return new ArrayList<>(sessions.values());
    }

    synchronized ShellSession session(String id) {
        ShellSession s = sessions.get(id);
        if (s == null) {
            throw ToolboxException.notFound("PROCESS_NOT_FOUND", "session '" + id + "' not found");
        }
        return s;
    }

    void deleteSession(String id) {
        ShellSession s;
        synchronized (this) {
            s = sessions.remove(id);
        }
        if (s == null) {
            throw ToolboxException.notFound("PROCESS_NOT_FOUND", "session '" + id + "' not found");
        }
        s.close();
    }

    /** Registers a PTY under its id; finished PTYs are forgotten first when the bound is reached. */
    synchronized void addPty(PtySession p) {
        ensureOpen();
        if (ptys.containsKey(p.id())) {
            throw new ToolboxException(409, "CONFLICT", "PTY session '" + p.id() + "' already exists");
        }
        ptys.values().removeIf(x -> !x.isActive());
        if (ptys.size() >= props.ptysPerSandbox()) {
            throw new ToolboxException(429, "CONFLICT", "this sandbox already has " + props.ptysPerSandbox()
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
            throw ToolboxException.notFound("PROCESS_NOT_FOUND", "PTY session '" + id + "' not found");
        }
        return p;
    }

    void deletePty(String id) {
        PtySession p;
        synchronized (this) {
            p = ptys.remove(id);
        }
        if (p == null) {
            throw ToolboxException.notFound("PROCESS_NOT_FOUND", "PTY session '" + id + "' not found");
        }
        p.kill();
    }

    /** Kills every session shell and PTY. */
    void close() {
        List<ShellSession> s;
        List<PtySession> p;
        synchronized (this) {
            closed = true;
            s = new ArrayList<>(sessions.values());
            p = new ArrayList<>(ptys.values());
            sessions.clear();
            ptys.clear();
        }
        s.forEach(ShellSession::close);
        p.forEach(PtySession::kill);
    }

    private void ensureOpen() {
        if (closed) {
            throw new ToolboxException(409, "CONFLICT", "the sandbox is stopping");
        }
    }
}
