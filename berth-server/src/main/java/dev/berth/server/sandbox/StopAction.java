package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

@Component
public class StopAction extends SandboxAction {

    public StopAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock) {
        super(store, locks, runners, clock);
    }

    @Override
    protected String verb() {
        return "stop";
    }

    @Override
    protected DesiredState desired() {
        return DesiredState.STOPPED;
    }

    @Override
    protected SandboxState inFlight() {
        return SandboxState.STOPPING;
    }

    @Override
    protected SandboxState done() {
        return SandboxState.STOPPED;
    }

    /** @param force kill the sandbox's processes at once instead of SIGTERM and the runner's stop timeout */
    public Sandbox execute(String sandboxId, boolean force) {
        return execute(sandboxId, (runner, sandbox) -> runner.stop(sandbox.getId(), force));
    }

    @Override
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        runner.stop(sandbox.getId(), false);
    }
}
