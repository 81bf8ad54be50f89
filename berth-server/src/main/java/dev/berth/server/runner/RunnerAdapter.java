package dev.berth.server.runner;

import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.SandboxSpec;
import dev.berth.runner.agent.AgentClient;

/**
 * The only way the control plane reaches a runner. Implementations: in-process (embedded mode)
 * and remote per runner-protocol version, so old and new runners coexist during an upgrade.
 * Failures are {@link dev.berth.core.error.EngineException}s with the runner's message.
 */
public interface RunnerAdapter {

    String runnerId();

    /**
     * Refuses (503) when work for this runner could not be sent now, e.g. a remote runner that misses its
     * heartbeats. Asked before a request records anything, so a refused request changes nothing: a sandbox
     * of a runner that is away keeps its state and is reconciled truthfully when the runner returns.
     */
    default void ensureReachable() {
    }

    ObservedSandbox create(SandboxSpec spec);

    /**
     * The most cores one sandbox can have on this runner (its host's cores), checked before a create is recorded;
     * a runner process that does not report it checks the spec itself before any engine call.
     */
    default int maxSandboxCpu() {
        return Integer.MAX_VALUE;
    }

    void start(String sandboxId);

    void stop(String sandboxId);

    void destroy(String sandboxId);

    /** A client for the sandbox's agent (directly, or through the runner's tunnel). */
    AgentClient agent(String sandboxId);
}
