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

    private final QuotaGate quotas;

    public ResumeAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock, QuotaGate quotas) {
        super(store, locks, runners, clock);
        this.quotas = quotas;
    }

    /** A suspended organization's sandboxes stay frozen (its paused sandboxes are stopped when it is suspended). */
    @Override
    protected void guard(Sandbox sandbox) {
        quotas.lockAndCheckActive(sandbox.getOrganizationId());
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
    protected void precheck(RunnerAdapter runner, Sandbox sandbox) {
        runner.ensureSupports(dev.berth.core.sandbox.RunnerCommand.RESUME);
    }

    @Override
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        runner.resume(sandbox.getId());
    }
}
