package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Freezes a sandbox's processes through the engine's cgroup freezer (memory kept while paused). */
@Component
public class PauseAction extends SandboxAction {

    public PauseAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock) {
        super(store, locks, runners, clock);
    }

    @Override
    protected String verb() {
        return "pause";
    }

    @Override
    protected DesiredState desired() {
        return DesiredState.PAUSED;
    }

    @Override
    protected SandboxState inFlight() {
        return SandboxState.PAUSING;
    }

    @Override
    protected SandboxState done() {
        return SandboxState.PAUSED;
    }

    /** A freeze that failed leaves the processes running: the sandbox is still started. */
    @Override
    protected SandboxState unchangedOnFailure() {
        return SandboxState.STARTED;
    }

    @Override
    protected void precheck(RunnerAdapter runner, Sandbox sandbox) {
        runner.ensureSupports(dev.berth.core.sandbox.RunnerCommand.PAUSE);
    }

    @Override
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        runner.pause(sandbox.getId());
    }
}
