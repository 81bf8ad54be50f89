package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.runner.SandboxRunner;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

@Component
public class StartAction extends SandboxAction {

    public StartAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock) {
        super(store, locks, runners, clock);
    }

    @Override
    protected String verb() {
        return "start";
    }

    @Override
    protected DesiredState desired() {
        return DesiredState.STARTED;
    }

    @Override
    protected SandboxState inFlight() {
        return SandboxState.STARTING;
    }

    @Override
    protected SandboxState done() {
        return SandboxState.STARTED;
    }

    @Override
    protected void onRunner(SandboxRunner runner, Sandbox sandbox) {
        runner.start(sandbox.getId());
    }
}
