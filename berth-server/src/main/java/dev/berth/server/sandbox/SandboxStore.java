package dev.berth.server.sandbox;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.NotFoundException;
import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.event.EventTypes;
import dev.berth.server.event.Outbox;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Short transactions around sandbox rows; every update is compare-and-set on the version column. */
@Component
public class SandboxStore {

    private static final Logger log = LoggerFactory.getLogger(SandboxStore.class);

    private final SandboxRepository repo;
    private final TransactionTemplate tx;
    private final Clock clock;

    private final ApplicationEventPublisher events;
    private final Outbox outbox;

    public SandboxStore(SandboxRepository repo, TransactionTemplate tx, Clock clock,
            ApplicationEventPublisher events, Outbox outbox) {
        this.events = events;
        this.outbox = outbox;
        this.repo = repo;
        this.tx = tx;
        this.clock = clock;
    }

    /** Moves a sandbox to {@code to}, checked against the transition table; logs from, to, trigger and reason. */
    public Sandbox move(String id, SandboxState to, String trigger, String reason) {
        return move(id, to, trigger, reason, s -> {
        });
    }

    /** As {@link #move(String, SandboxState, String, String)}, running {@code guard} first in the same transaction. */
    public Sandbox move(String id, SandboxState to, String trigger, String reason, Consumer<Sandbox> guard) {
        return published(moveInTx(id, to, null, trigger, reason, guard, null));
    }

    /** Moves a sandbox to {@code error}, recording why as a type and for people. */
    public Sandbox fail(String id, ErrorKind kind, String trigger, String reason) {
        return published(moveInTx(id, SandboxState.ERROR, kind, trigger, reason, s -> {
        }, null));
    }

    /**
     * Records a reconcile decision made on the row at {@code version}: nothing is written (and false returned)
     * when the row changed since, so a decision made on a stale view always loses. With no move, replaces the
     * kind and reason of a sandbox in error.
     */
    public boolean record(String id, long version, SandboxState to, ErrorKind kind, String reason, String trigger) {
        if (to == null) {
            Sandbox s = retryingOnStaleRead(() -> tx.execute(status -> {
                Sandbox x = load(id);
                if (x.getVersion() != version) {
                    return null;
                }
                x.explainError(kind, reason, clock.instant());
                return repo.saveAndFlush(x);
            }));
            return s != null;
        }
        Sandbox moved = moveInTx(id, to, kind, trigger, reason, s -> {
        }, version);
        if (moved == null) {
            return false;
        }
        published(moved);
        return true;
    }

    private Sandbox published(Sandbox moved) {
        events.publishEvent(new SandboxStateChanged(moved.getId(), moved.getOrganizationId(), moved.getState()));
        return moved;
    }

    /** Null when {@code expectedVersion} is given and the row no longer has it. */
    private Sandbox moveInTx(String id, SandboxState to, ErrorKind kind, String trigger, String reason,
            Consumer<Sandbox> guard, Long expectedVersion) {
        return retryingOnStaleRead(() -> tx.execute(status -> {
            Sandbox s = load(id);
            if (expectedVersion != null && s.getVersion() != expectedVersion) {
                return null;
            }
            guard.accept(s);
            SandboxState from = s.getState();
            if (!s.transition(to, kind, reason, clock.instant())) {
                throw new ConflictException("sandbox " + id + " cannot move from '" + from.wireName() + "' to '"
                        + to.wireName() + "'");
            }
            Sandbox saved = repo.saveAndFlush(s);
            if (!saved.isPooled()) { // a warm pool's sandbox is nobody's until claimed: no tenant hears of it
                outbox.record(EventTypes.SANDBOX_STATE_UPDATED, SandboxEvents.AGGREGATE, id, saved.getOrganizationId(),
                        SandboxEvents.stateUpdated(saved, from));
            }
            log.info("sandbox {} state {} -> {} (trigger: {}{}{})", id, from.wireName(), to.wireName(), trigger,
                    kind == null ? "" : ", kind: " + kind.wireName(), reason == null ? "" : ", reason: " + reason);
            return saved;
        }));
    }

    /**
     * Re-runs a compare-and-set write that lost to a concurrent writer (another replica's reconciler, say):
     * the row is read again, so the transition table judges the current state, never a stale one.
     */
    private static <T> T retryingOnStaleRead(Supplier<T> write) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write.get();
            } catch (OptimisticLockingFailureException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    public Sandbox insert(Sandbox s) {
        return insert(s, () -> {
        });
    }

    /** Inserts after {@code guard} ran in the same transaction (e.g. a quota check under the organization's lock). */
    public Sandbox insert(Sandbox s, Runnable guard) {
        return tx.execute(status -> {
            guard.run();
            Sandbox saved = repo.saveAndFlush(s);
            outbox.record(EventTypes.SANDBOX_CREATED, SandboxEvents.AGGREGATE, saved.getId(), saved.getOrganizationId(),
                    SandboxEvents.created(saved));
            return saved;
        });
    }

    /** Records a claim (the row already changed by the caller, in the caller's transaction) as a creation. */
    Sandbox saveClaimed(Sandbox s) {
        Sandbox saved = repo.saveAndFlush(s);
        outbox.record(EventTypes.SANDBOX_CREATED, SandboxEvents.AGGREGATE, saved.getId(), saved.getOrganizationId(),
                SandboxEvents.created(saved));
        return saved;
    }

    public Sandbox load(String id) {
        return repo.findById(id).orElseThrow(() -> new NotFoundException("sandbox " + id + " not found"));
    }

    /** Loads the row, applies the change and writes it back if the version is unchanged. */
    public Sandbox update(String id, Consumer<Sandbox> change) {
        return retryingOnStaleRead(() -> tx.execute(status -> {
            Sandbox s = load(id);
            change.accept(s);
            return repo.saveAndFlush(s);
        }));
    }
}
