package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.sandbox.DesiredState;
import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.core.sandbox.SandboxTransitions;
import dev.berth.server.runner.RunnerAdapter;
import dev.berth.server.runner.RunnerRegistry;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The shared shape of a user-requested transition: take the sandbox's lock, validate the
 * transition (409 naming both states), record the in-flight state and the desire, call the
 * runner, record the outcome. A runner that cannot take the work refuses before anything is recorded;
 * a runner failure leaves the sandbox in {@code error} with the reason.
 */
public abstract class SandboxAction {

    protected final SandboxStore store;
    private final SandboxLocks locks;
    protected final RunnerRegistry runners;
    protected final Clock clock;

    protected SandboxAction(SandboxStore store, SandboxLocks locks, RunnerRegistry runners, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.runners = runners;
        this.clock = clock;
    }

    /** The user-facing verb, used in messages. */
    protected abstract String verb();

    protected abstract DesiredState desired();

    protected abstract SandboxState inFlight();

    protected abstract SandboxState done();

    protected abstract void onRunner(RunnerAdapter runner, Sandbox sandbox);

    /** Runs in the transaction that records the in-flight state; may refuse (e.g. quota). */
    protected void guard(Sandbox sandbox) {
    }

    public Sandbox execute(String sandboxId) {
        return execute(sandboxId, this::onRunner);
    }

    /**
     * As {@link #execute(String)} on behalf of a lifecycle policy: {@code trigger} names it in the log and the
     * sandbox's {@code stateReason} says why (a user's own action clears it).
     */
    public Sandbox executeFor(String sandboxId, String trigger, String reason) {
        return execute(sandboxId, this::onRunner, trigger, reason);
    }

    /** As {@link #execute(String)} with the runner call given (e.g. a stop with the request's options). */
    protected Sandbox execute(String sandboxId, BiConsumer<RunnerAdapter, Sandbox> runnerCall) {
        return execute(sandboxId, runnerCall, verb(), null);
    }

    private Sandbox execute(String sandboxId, BiConsumer<RunnerAdapter, Sandbox> runnerCall, String trigger,
            String reason) {
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            if (s.getState() == done()) {
                return s.getDesiredState() == desired() ? s : store.update(sandboxId, x -> x.desire(desired(), clock.instant()));
            }
            SandboxTransitions.check(s.getState(), inFlight(), verb());
            if (s.getRunnerId() != null) {
                // before anything is recorded: a request its runner cannot take changes nothing (a lost sandbox
                // stays 'runner lost' and comes back truthfully with its runner instead of becoming a start error)
                runners.byId(s.getRunnerId()).ensureReachable();
            }
            // the desire and the in-flight state in one write: a crash leaves a transition the reconciler finishes
            s = store.move(sandboxId, inFlight(), trigger, null, x -> {
                guard(x);
                x.desire(desired(), clock.instant());
                x.explainState(reason);
            });
            try {
                if (s.getRunnerId() != null) {
                    runnerCall.accept(runners.byId(s.getRunnerId()), s);
                }
            } catch (BerthException e) {
                store.fail(sandboxId, ErrorKind.ACTION_FAILED, trigger, verb() + " failed: " + e.getMessage());
                throw e;
            }
            try {
                return store.move(sandboxId, done(), trigger, null);
            } catch (ConflictException e) {
                // a reconciler (maybe on another replica, woken by the engine's event) recorded the outcome first
                Sandbox now = store.load(sandboxId);
                if (now.getState() == done()) {
                    return now;
                }
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }
}
