package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

@Component
public class DestroyAction extends SandboxAction {

    public DestroyAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock) {
        super(store, locks, runners, clock);
    }

    @Override
    protected String verb() {
        return "delete";
    }

    @Override
    protected DesiredState desired() {
        return DesiredState.DESTROYED;
    }

    @Override
    protected SandboxState inFlight() {
        return SandboxState.DESTROYING;
    }

    @Override
    protected SandboxState done() {
        return SandboxState.DESTROYED;
    }

    @Override
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        runner.destroy(sandbox.getId());
    }
}
