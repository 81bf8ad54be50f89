package dev.berth.server.toolbox.process;

import dev.berth.server.toolbox.ToolboxTargets.Target;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * The PTYs attached through this replica, per sandbox and organization (sessions are not here: they are kept in
 * the sandbox, {@link AgentSessions}). Call {@link #forget(String)} when a sandbox stops or is deleted: it kills
 * its PTYs and frees their memory.
 */
@Component
public class ProcessSessions {

    private final ProcessProperties props;
    private final Map<SandboxKey, SandboxProcesses> bySandbox = new ConcurrentHashMap<>();

    public ProcessSessions(ProcessProperties props) {
        this.props = props;
    }

    SandboxProcesses of(Target target) {
        var key = new SandboxKey(target.sandbox().getOrganizationId(), target.sandbox().getId());
        return bySandbox.computeIfAbsent(key, k -> new SandboxProcesses(props));
    }

    /** Drops (and kills) every PTY of the sandbox. Safe to call for unknown ids and repeatedly. */
    public void forget(String sandboxId) {
        List<SandboxProcesses> gone = new ArrayList<>();
        bySandbox.entrySet().removeIf(e -> {
            if (e.getKey().sandboxId().equals(sandboxId)) {
                gone.add(e.getValue());
                return true;
            }
            return false;
        });
        gone.forEach(SandboxProcesses::close);
    }

    @PreDestroy
    void closeAll() {
        List<SandboxProcesses> all = new ArrayList<>(bySandbox.values());
        bySandbox.clear();
        all.forEach(SandboxProcesses::close);
    }
}
