package dev.berth.server.toolbox.process;

import dev.berth.server.toolbox.ToolboxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This replica's attachments to one sandbox's terminals (work in flight, not state: the terminals and their
 * records live in the sandbox, {@link AgentPtys}; sessions too, {@link AgentSessions}).
 */
final class SandboxProcesses {

    private final Map<String, PtySession> attached = new HashMap<>();
    private boolean closed;

    static String checkId(String kind, String id) {
        if (id == null || id.isBlank() || id.length() > 128 || !id.matches("[A-Za-z0-9._:@-]+")
                || id.matches("\\.+")) {
            throw ToolboxException.badRequest(kind + " id must be 1-128 characters of A-Z a-z 0-9 . _ : @ - "
                    + "(not only dots)");
        }
        return id;
    }

    /** This replica's live attachment to terminal {@code id}, or null. */
    synchronized PtySession attachment(String id) {
        return closed ? null : attached.get(id);
    }

    /** Registers a new attachment; false if one already exists (use it instead) or the sandbox is stopping. */
    synchronized boolean add(PtySession p) {
        if (closed || attached.containsKey(p.id())) {
            return false;
        }
        attached.put(p.id(), p);
        return true;
    }

    synchronized void remove(String id, PtySession p) {
        attached.remove(id, p);
    }

    /** Ends every attachment (the sandbox stops: its terminals end with it). */
    void close() {
        List<PtySession> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(attached.values());
            attached.clear();
        }
        all.forEach(PtySession::release);
    }
}
