package dev.berth.server.runner;

import dev.berth.core.sandbox.RunnerCommand;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.SandboxSpec;
import dev.berth.runner.agent.SandboxAgent;
import java.util.Optional;

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

    /**
     * Refuses (422 naming the runner) work this runner cannot do (pause, resume and resize need runner protocol v3),
     * asked before a request records anything.
     */
    default void ensureSupports(dev.berth.core.sandbox.RunnerCommand command) {
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

    /** @param force kill at once instead of SIGTERM and the runner's stop timeout */
    void stop(String sandboxId, boolean force);

    void destroy(String sandboxId);

    /** Freezes the sandbox's processes (memory kept, CPU freed); refused by runners that cannot. */
    void pause(String sandboxId);

    /** Thaws a paused sandbox (one that is not paused is left alone). */
    void resume(String sandboxId);

    /** New CPU and memory limits for the sandbox's container, live when it runs; refused by runners that cannot. */
    void resize(String sandboxId, dev.berth.core.sandbox.Resources resources);

    /**
     * Sends reconciler work without waiting for a user: the embedded runner does it now (and throws its
     * failure); a remote runner gets a job whose outcome its next inventory shows (a job already in flight
     * for the sandbox finishes the work instead). Every command is idempotent against what the runner sees.
     *
     * @param spec the sandbox's spec, needed by {@link RunnerCommand#CREATE} only (null otherwise)
     */
    void send(RunnerCommand command, String sandboxId, SandboxSpec spec);

    /** The sandbox's container as the engine shows it now, where the control plane reaches the engine itself. */
    default Optional<ObservedSandbox> inspectNow(String sandboxId) {
        return Optional.empty();
    }

    /**
     * Changes a sandbox's network policy on its runner: recorded there for its next starts and in force at once
     * when it runs. Throws (and changes nothing) when the runner cannot enforce it.
     */
    void applyNetwork(String sandboxId, dev.berth.protocol.runner.NetworkSettings settings);

    /** Commits the sandbox's file system changes as image {@code imageRef} and pushes it to the snapshot registry. */
    void commit(String sandboxId, String imageRef);

    /**
     * Makes one of Berth's base images on this runner and stores it in the snapshot registry (protocol v4 runners;
     * the embedded runner builds its own at start).
     */
    default void buildBaseImage(String snapshotId, String imageRef) {
        throw new dev.berth.core.error.EngineException("runner " + runnerId() + " does not build base images on request");
    }

    /** Pulls a snapshot image from the snapshot registry onto this runner (waits for it). */
    void pullImage(String imageRef);

    /** Removes a snapshot image from this runner's engine (refused while a container uses it). */
    void removeImage(String imageRef);

    /**
     * Builds a snapshot image on this runner and pushes it to the snapshot registry; log lines go to {@code log}
     * (a runner process posts them to the control plane, which appends them to the snapshot's build log itself).
     */
    void buildImage(String snapshotId, dev.berth.protocol.runner.ImageWork.Build build,
            java.util.function.Consumer<String> log);

    /** Pulls an image for a snapshot on this runner, checks it and pushes it to the snapshot registry. */
    void importImage(String snapshotId, dev.berth.protocol.runner.ImageWork.Import work,
            java.util.function.Consumer<String> log);

    /** A client for the sandbox's agent (directly, or through the runner's tunnel). */
    SandboxAgent agent(String sandboxId);
}
