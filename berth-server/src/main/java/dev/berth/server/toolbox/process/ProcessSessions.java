package dev.berth.server.toolbox.process;

import dev.berth.server.toolbox.ToolboxTargets.Target;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * This replica's attachments to terminals, per sandbox and organization (the terminals, their records and the
 * sessions are kept in the sandbox: {@link AgentPtys}, {@link AgentSessions}). Call {@link #forget(String)} when a
 * sandbox stops or is deleted: it ends the attachments and frees their memory.
 */
@Component
public class ProcessSessions {

    private final Map<SandboxKey, SandboxProcesses> bySandbox = new ConcurrentHashMap<>();

    SandboxProcesses of(Target target) {
        var key = new SandboxKey(target.sandbox().getOrganizationId(), target.sandbox().getId());
        return bySandbox.computeIfAbsent(key, k -> new SandboxProcesses());
    }

    /** Ends every attachment to the sandbox's terminals. Safe to call for unknown ids and repeatedly. */
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
