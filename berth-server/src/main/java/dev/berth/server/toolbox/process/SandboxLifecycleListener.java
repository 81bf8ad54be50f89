package dev.berth.server.toolbox.process;

import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.sandbox.SandboxStateChanged;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Frees the PTYs this replica holds for a sandbox once it no longer runs. */
@Component
class SandboxLifecycleListener {

    private static final Set<SandboxState> GONE = EnumSet.of(SandboxState.STOPPED, SandboxState.DESTROYED,
            SandboxState.ERROR, SandboxState.ARCHIVED, SandboxState.STOPPING, SandboxState.DESTROYING);

    private final ProcessSessions sessions;

    SandboxLifecycleListener(ProcessSessions sessions) {
        this.sessions = sessions;
    }

    @EventListener
    void on(SandboxStateChanged e) {
        if (GONE.contains(e.to())) {
            sessions.forget(e.sandboxId());
        }
    }
}
