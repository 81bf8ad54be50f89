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
import java.util.function.Predicate;

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

    /**
     * The state a failed runner call leaves the sandbox in when the runner's work cannot have changed it (a pause
     * that did not freeze it), with the reason; null: {@code error}.
     */
    protected SandboxState unchangedOnFailure() {
        return null;
    }

    /** Before anything is recorded: may refuse what the sandbox's runner cannot do. */
    protected void precheck(RunnerAdapter runner, Sandbox sandbox) {
    }

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
        return executeFor(sandboxId, trigger, reason, null);
    }

    /**
     * As {@link #executeFor(String, String, String)}, refused (409, nothing done) unless {@code stillDue} holds for
     * the sandbox under its lock and in the transaction that records the move: a policy decided on a row the user
     * may have changed since (started it, extended its ttl, used it).
     */
    public Sandbox executeFor(String sandboxId, String trigger, String reason, Predicate<Sandbox> stillDue) {
        return execute(sandboxId, this::onRunner, trigger, reason, stillDue);
    }

    /** Throws when a policy's precondition no longer holds. */
    protected static void checkStillDue(Predicate<Sandbox> stillDue, Sandbox s, String verb) {
        if (stillDue != null && !stillDue.test(s)) {
            throw new ConflictException("sandbox " + s.getId() + " changed since the lifecycle policy decided to " + verb
                    + " it; left as it is");
        }
    }

    /** As {@link #execute(String)} with the runner call given (e.g. a stop with the request's options). */
    protected Sandbox execute(String sandboxId, BiConsumer<RunnerAdapter, Sandbox> runnerCall) {
        return execute(sandboxId, runnerCall, verb(), null, null);
    }

    private Sandbox execute(String sandboxId, BiConsumer<RunnerAdapter, Sandbox> runnerCall, String trigger,
            String reason, Predicate<Sandbox> stillDue) {
        ReentrantLock lock = locks.of(sandboxId);
        lock.lock();
        try {
            Sandbox s = store.load(sandboxId);
            checkStillDue(stillDue, s, verb());
            if (s.getState() == done()) {
                return s.getDesiredState() == desired() ? s : store.update(sandboxId, x -> x.desire(desired(), clock.instant()));
            }
            SandboxTransitions.check(s.getState(), inFlight(), verb());
            if (s.getRunnerId() != null) {
                // before anything is recorded: a request its runner cannot take changes nothing (a lost sandbox
                // stays 'runner lost' and comes back truthfully with its runner instead of becoming a start error)
                runners.byId(s.getRunnerId()).ensureReachable();
                precheck(runners.byId(s.getRunnerId()), s);
            }
            // the desire and the in-flight state in one write: a crash leaves a transition the reconciler finishes
            s = store.move(sandboxId, inFlight(), trigger, null, x -> {
                checkStillDue(stillDue, x, verb());
                guard(x);
                x.desire(desired(), clock.instant());
                x.explainState(reason);
            });
            try {
                if (s.getRunnerId() != null) {
                    runnerCall.accept(runners.byId(s.getRunnerId()), s);
                }
            } catch (BerthException e) {
                SandboxState back = unchangedOnFailure();
                if (back != null) {
                    store.move(sandboxId, back, trigger, verb() + " failed: " + e.getMessage(),
                            x -> x.desire(DesiredState.STARTED, clock.instant()));
                } else {
                    store.fail(sandboxId, ErrorKind.ACTION_FAILED, trigger, verb() + " failed: " + e.getMessage());
                }
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
