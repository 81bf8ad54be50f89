package dev.berth.core.sandbox;

import static dev.berth.core.sandbox.SandboxState.*;

import dev.berth.core.error.IllegalTransitionException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The one table that says which sandbox state may follow which. */
public final class SandboxTransitions {

    private static final Map<SandboxState, Set<SandboxState>> ALLOWED = new EnumMap<>(SandboxState.class);

    static {
        allow(CREATING, STARTED, STOPPED, ERROR, DESTROYING, PULLING_SNAPSHOT, BUILD_FAILED);
        allow(PULLING_SNAPSHOT, CREATING, ERROR, DESTROYING);
        allow(PENDING_BUILD, BUILDING_SNAPSHOT, BUILD_FAILED, DESTROYING, ERROR);
        allow(BUILDING_SNAPSHOT, CREATING, BUILD_FAILED, DESTROYING, ERROR);
        allow(STARTED, STOPPING, DESTROYING, ERROR, RESIZING, ARCHIVING, STOPPED, PAUSING);
        // pause freezes the processes (memory kept); a paused sandbox resumes, stops or is deleted
        allow(PAUSING, PAUSED, STARTED, STOPPED, ERROR, DESTROYING);
        allow(PAUSED, RESUMING, STOPPING, DESTROYING, ERROR, STOPPED, STARTED);
        allow(RESUMING, STARTED, PAUSED, STOPPED, ERROR, DESTROYING);
        allow(STOPPING, STOPPED, ERROR, DESTROYING);
        allow(STOPPED, STARTING, DESTROYING, ARCHIVING, ERROR, STARTED, RESIZING);
        allow(STARTING, STARTED, STOPPED, ERROR, DESTROYING);
        allow(RESIZING, STARTED, STOPPED, ERROR, DESTROYING);
        allow(ARCHIVING, ARCHIVED, ERROR, STOPPED);
        allow(ARCHIVED, RESTORING, DESTROYING);
        allow(RESTORING, STARTED, ERROR, DESTROYING, ARCHIVED);
        // ARCHIVED: a recover makes a lost sandbox's last backup its archive, then restores it elsewhere
        allow(ERROR, DESTROYING, STARTING, STOPPED, STARTED, ARCHIVED, PAUSED);
        allow(BUILD_FAILED, DESTROYING);
        allow(UNKNOWN, DESTROYING, ERROR, STARTED, STOPPED);
        allow(DESTROYING, DESTROYED, ERROR);
        allow(DESTROYED);
    }

    private SandboxTransitions() {
    }

    private static void allow(SandboxState from, SandboxState... to) {
        Set<SandboxState> set = EnumSet.noneOf(SandboxState.class);
        Collections.addAll(set, to);
        ALLOWED.put(from, Collections.unmodifiableSet(set));
    }

    public static boolean isAllowed(SandboxState from, SandboxState to) {
        return ALLOWED.getOrDefault(from, Set.of()).contains(to);
    }

    public static Set<SandboxState> allowedFrom(SandboxState from) {
        return ALLOWED.getOrDefault(from, Set.of());
    }

    /**
     * Checks a transition a user asked for.
     *
     * @param action the user-facing verb, used in the message ("start", "stop", ...)
     */
    public static void check(SandboxState from, SandboxState to, String action) {
        if (!isAllowed(from, to)) {
            throw new IllegalTransitionException(
                    "cannot " + action + " a sandbox that is '" + from.wireName() + "' (it would have to move from '"
                            + from.wireName() + "' to '" + to.wireName() + "', which is not allowed)");
        }
    }
}
