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

    ObservedSandbox create(SandboxSpec spec);

    void start(String sandboxId);

    void stop(String sandboxId);

    void destroy(String sandboxId);

    /** A client for the sandbox's agent (directly, or through the runner's tunnel). */
    AgentClient agent(String sandboxId);
}
