package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Thaws a paused sandbox: its processes go on where they were frozen (a start or any toolbox call resumes). */
@Component
public class ResumeAction extends SandboxAction {

    public ResumeAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock) {
        super(store, locks, runners, clock);
    }

    @Override
    protected String verb() {
        return "resume";
    }

    @Override
    protected DesiredState desired() {
        return DesiredState.STARTED;
    }

    @Override
    protected SandboxState inFlight() {
        return SandboxState.RESUMING;
    }

    @Override
    protected SandboxState done() {
        return SandboxState.STARTED;
    }

    @Override
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        runner.resume(sandbox.getId());
    }
}
