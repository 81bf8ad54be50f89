package dev.berth.server.sandbox;

import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import org.springframework.stereotype.Component;

@Component
public class StartAction extends SandboxAction {

    private final QuotaGate quotas;
    private final RestoreAction restore;

    public StartAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock,
            QuotaGate quotas, RestoreAction restore) {
        super(store, locks, runners, clock);
        this.quotas = quotas;
        this.restore = restore;
    }

    /** An archived sandbox has no container to start: it is restored onto a runner (see {@link RestoreAction}). */
    @Override
    public Sandbox execute(String sandboxId) {
        SandboxState now = store.load(sandboxId).getState();
        if (now == SandboxState.ARCHIVED || now == SandboxState.RESTORING) {
            return restore.execute(sandboxId);
        }
        return super.execute(sandboxId);
    }

    @Override
    protected void guard(Sandbox s) {
        quotas.lockAndCheckStart(s.getOrganizationId(),
                new Resources(s.getCpu(), s.getMemoryGib(), s.getDiskGib()));
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
    protected void onRunner(RunnerAdapter runner, Sandbox sandbox) {
        var policy = sandbox.networkPolicy();
        if (policy.restricted()) {
            // the record is the truth: a sandbox recorded before its runner kept policies (or whose runner lost the
            // record) starts under its policy, not open
            runner.applyNetwork(sandbox.getId(), new dev.berth.protocol.runner.NetworkSettings(policy.blockAll(),
                    policy.allowListString(), policy.domainListString()));
        }
        runner.start(sandbox.getId());
    }
}
