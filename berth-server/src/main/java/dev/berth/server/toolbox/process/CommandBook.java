package dev.berth.server.toolbox.process;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands a session remembers, oldest first, bounded by count and by total output: the oldest finished
 * commands are forgotten first (running and queued ones never are). Not thread-safe (the session locks).
 */
final class CommandBook {

    private final int maxCommands;
    private final long maxOutput;
    private final LinkedHashMap<String, SessionCommand> byId = new LinkedHashMap<>();

    CommandBook(int maxCommands, long maxOutput) {
        this.maxCommands = maxCommands;
        this.maxOutput = maxOutput;
    }

    void add(SessionCommand c) {
        byId.put(c.id(), c);
        trim();
    }

    SessionCommand get(String id) {
        return byId.get(id);
    }

    List<SessionCommand> all() {
        return new ArrayList<>(byId.values());
    }

    /** Forgets the oldest finished commands while over the count or output bound. */
    void trim() {
        long output = 0;
        for (SessionCommand c : byId.values()) {
            output += c.log().size();
        }
        Iterator<Map.Entry<String, SessionCommand>> it = byId.entrySet().iterator();
        while (it.hasNext() && (byId.size() > maxCommands || output > maxOutput)) {
            SessionCommand c = it.next().getValue();
            if (c.isFinished()) {
                output -= c.log().size();
                it.remove();
            }
        }
    }
}
