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

    public StartAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock,
            QuotaGate quotas) {
        super(store, locks, runners, clock);
        this.quotas = quotas;
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
