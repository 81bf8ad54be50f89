package dev.berth.server.runner;

import dev.berth.core.sandbox.RunnerCommand;
import dev.berth.protocol.ObservedSandbox;
import dev.berth.protocol.SandboxSpec;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.agent.SandboxAgent;
import java.util.Optional;

/** The embedded runner, called in-process. */
final class LocalRunnerAdapter implements RunnerAdapter {

    private final SandboxRunner runner;

    LocalRunnerAdapter(SandboxRunner runner) {
        this.runner = runner;
    }

    @Override
    public String runnerId() {
        return runner.runnerId();
    }

    @Override
    public ObservedSandbox create(SandboxSpec spec) {
        return runner.create(spec);
    }

    @Override
    public int maxSandboxCpu() {
        return runner.maxSandboxCpu();
    }

    @Override
    public void start(String sandboxId) {
        runner.start(sandboxId);
    }

    @Override
    public void stop(String sandboxId, boolean force) {
        runner.stop(sandboxId, force);
    }

    @Override
    public void destroy(String sandboxId) {
        runner.destroy(sandboxId);
    }

    @Override
    public void pause(String sandboxId) {
        runner.pause(sandboxId);
    }

    @Override
    public void resume(String sandboxId) {
        runner.resume(sandboxId);
    }

    @Override
    public void resize(String sandboxId, dev.berth.core.sandbox.Resources r) {
        try {
            runner.resize(sandboxId, r.nanoCpus(), r.memoryBytes());
        } catch (IllegalArgumentException e) {
            throw new dev.berth.core.error.UnprocessableException(e.getMessage());
        }
    }

    @Override
    public void send(RunnerCommand command, String sandboxId, SandboxSpec spec) {
        switch (command) {
            case CREATE -> runner.create(spec);
            case START -> runner.start(sandboxId);
            case STOP -> runner.stop(sandboxId);
            case REMOVE -> runner.destroy(sandboxId);
            case PAUSE -> runner.pause(sandboxId);
            case RESUME -> runner.resume(sandboxId);
            case RESIZE -> runner.resize(sandboxId, spec.nanoCpus(), spec.memoryBytes());
        }
    }

    @Override
    public void applyNetwork(String sandboxId, dev.berth.protocol.runner.NetworkSettings n) {
        runner.applyNetworkPolicy(sandboxId, dev.berth.core.network.NetworkPolicy.of(n.networkBlockAll(),
                n.networkAllowList(), n.domainAllowList()));
    }

    @Override
    public void commit(String sandboxId, String imageRef) {
        runner.commitAndPush(sandboxId, imageRef);
    }

    @Override
    public void buildImage(String snapshotId, dev.berth.protocol.runner.ImageWork.Build b,
            java.util.function.Consumer<String> log) {
        runner.buildAndPush(new java.io.ByteArrayInputStream(SandboxRunner.dockerfileOnlyContext(b.dockerfile())),
                "Dockerfile", b.imageRef(), b.bases(), b.memoryBytes(), b.maxBytes(), log);
    }

    @Override
    public void importImage(String snapshotId, dev.berth.protocol.runner.ImageWork.Import i,
            java.util.function.Consumer<String> log) {
        runner.importAndPush(i.source(), null, i.imageRef(), i.maxBytes(), log);
    }

    @Override
    public void pullImage(String imageRef) {
        runner.ensureImage(imageRef, line -> { });
    }

    @Override
    public void removeImage(String imageRef) {
        runner.removeImage(imageRef);
    }

    @Override
    public Optional<ObservedSandbox> inspectNow(String sandboxId) {
        return Optional.of(runner.observe(sandboxId));
    }

    @Override
    public SandboxAgent agent(String sandboxId) {
        return runner.agent(sandboxId);
    }
}
