package dev.berth.server.event.stream;

import dev.berth.server.sandbox.SandboxStateChanged;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@link StateChangeFeed} over {@link SandboxStateChanged}, which the store publishes after each committed move.
 * Creation is not published in-process (a create is an insert, then a move to started), so this feed only yields
 * {@link StateChange.Kind#STATE_UPDATED}.
 */
@Component
class SpringStateChangeFeed implements StateChangeFeed {

    private static final Logger log = LoggerFactory.getLogger(SpringStateChangeFeed.class);

    private final List<Consumer<StateChange>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void subscribe(Consumer<StateChange> listener) {
        listeners.add(listener);
    }

    @EventListener
    void on(SandboxStateChanged e) {
        if (e.organizationId() == null || e.to() == null) {
            return;
        }
        var change = new StateChange(StateChange.Kind.STATE_UPDATED, e.sandboxId(), e.organizationId(), e.from(),
                e.to());
        for (Consumer<StateChange> l : listeners) {
            try {
                l.accept(change);
            } catch (RuntimeException ex) {
                // a stream listener must never fail the caller's (already committed) state change
                log.warn("event stream listener failed on sandbox {}: {}", e.sandboxId(), ex.toString());
            }
        }
    }
}
