package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.sandbox.Observation;
import dev.berth.core.sandbox.ReconcileDecision;
import dev.berth.core.sandbox.RunnerCommand;
import dev.berth.core.sandbox.SandboxReconcilePolicy;
import dev.berth.core.sandbox.SandboxView;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.RunnerAdapter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One reconcile of one sandbox, the only sequence that changes a sandbox from what was observed: its lock
 * (an action running in this process wins), its lease (another replica reconciling it wins), load, observe,
 * {@link SandboxReconcilePolicy#decide}, send the commands, record the outcome compare-and-set on the version
 * the decision was made on.
 */
@Component
class SandboxReconcileStep {

    private static final Logger log = LoggerFactory.getLogger(SandboxReconcileStep.class);
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final SandboxStore store;
    private final SandboxLocks locks;
    private final SandboxLease lease;
    private final SandboxSpecs specs;
    private final Clock clock;
    private final SandboxReconcilePolicy policy;

    SandboxReconcileStep(SandboxStore store, SandboxLocks locks, SandboxLease lease, SandboxSpecs specs,
            BerthProperties props, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.lease = lease;
        this.specs = specs;
        this.clock = clock;
        this.policy = new SandboxReconcilePolicy(props.reconciler().transitionTimeout(), props.reconciler().actionGrace());
    }

    /**
     * @param observe called under the lock and lease, once the sandbox is known to need an observation
     * @param busy    a runner job for the sandbox is in flight
     * @return when to look at the sandbox again, or null
     */
    Duration run(RunnerAdapter runner, String sandboxId, Supplier<Observation> observe, boolean busy) {
        ReentrantLock lock = locks.of(sandboxId);
        if (!lock.tryLock()) {
            return null; // an action on it is running in this process: it records its own outcome
        }
        AtomicReference<Duration> again = new AtomicReference<>();
        try {
            lease.runExclusively(sandboxId, LEASE, () -> again.set(decideAndApply(runner, sandboxId, observe, busy)));
        } catch (BerthException e) {
            log.warn("reconciling sandbox {} on runner {} failed: {}", sandboxId, runner.runnerId(), e.getMessage());
        } finally {
            lock.unlock();
        }
        return again.get();
    }

    private Duration decideAndApply(RunnerAdapter runner, String id, Supplier<Observation> observe, boolean busy) {
        Sandbox s = store.load(id);
        if (!runner.runnerId().equals(s.getRunnerId())) {
            return null; // moved to another runner meanwhile
        }
        var view = new SandboxView(s.getState(), s.getDesiredState(), s.getVersion(), s.getStateChangedAt(), busy,
                s.getErrorKind());
        if (!policy.needsObservation(view)) {
            return null;
        }
        Observation seen = observe.get();
        ReconcileDecision d = policy.decide(view, seen, clock.instant());
        for (RunnerCommand command : d.commands()) {
            try {
                runner.send(command, id, command == RunnerCommand.CREATE || command == RunnerCommand.RESIZE
                        ? specs.of(s) : null);
                log.info("reconciler sent {} for sandbox {} ({}, desired {}) to runner {}", command, id,
                        s.getState().wireName(), s.getDesiredState().wireName(), runner.runnerId());
            } catch (BerthException e) {
                seen = new Observation.CommandFailed(command, e.getMessage());
                d = policy.decide(view, seen, clock.instant());
                break;
            }
        }
        if (d.moveTo() != null || d.reason() != null || d.errorKind() != null) {
            boolean recorded = store.record(id, view.version(), d.moveTo(), d.errorKind(), d.reason(), trigger(view, seen));
            if (!recorded) {
                log.debug("sandbox {} changed while it was judged; the decision is dropped", id);
            }
        }
        return d.lookAgainIn();
    }

    private static String trigger(SandboxView view, Observation seen) {
        if (seen instanceof Observation.RunnerSilent) {
            return "runner health";
        }
        return view.lostWithRunner() ? "runner returned" : "reconciler";
    }
}
