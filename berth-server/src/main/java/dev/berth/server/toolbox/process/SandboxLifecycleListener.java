package dev.berth.server.toolbox.process;

import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.sandbox.SandboxStateChanged;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Frees a sandbox's sessions, PTYs and environment changes once it no longer runs. */
@Component
class SandboxLifecycleListener {

    private static final Set<SandboxState> GONE = EnumSet.of(SandboxState.STOPPED, SandboxState.DESTROYED,
            SandboxState.ERROR, SandboxState.ARCHIVED, SandboxState.STOPPING, SandboxState.DESTROYING);

    private final ProcessSessions sessions;
    private final SandboxEnv env;

    SandboxLifecycleListener(ProcessSessions sessions, SandboxEnv env) {
        this.sessions = sessions;
        this.env = env;
    }

    @EventListener
    void on(SandboxStateChanged e) {
        if (GONE.contains(e.to())) {
            sessions.forget(e.sandboxId());
            env.forget(e.sandboxId());
        }
    }
}
