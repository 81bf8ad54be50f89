package dev.berth.server.event.stream;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Open streams by organization, with the connection caps. Events go only to subscribers of the event's
 * organization. Stops (closing every stream) before the web server's graceful shutdown, which would otherwise
 * wait for the long-lived responses.
 */
@Component
class StreamRegistry implements SmartLifecycle {

    private final EventStreamProperties props;
    private final Map<String, Set<StreamSubscriber>> byOrg = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final PendingConnections pending;
    private volatile boolean running;

    StreamRegistry(EventStreamProperties props) {
        this.props = props;
        this.pending = new PendingConnections(props.maxPending(), props.pendingPerAddress());
    }

    /** A slot for a Socket.IO upgrade from {@code address} that has not authenticated (see PendingConnections). */
    Optional<String> admitPending(String address) {
        return pending.admit(address);
    }

    void releasePending(String address) {
        pending.release(address);
    }

    /** Takes one of the {@code maxConnections} slots of authenticated streams; false when all are taken. */
    boolean reserveConnection() {
        if (connections.incrementAndGet() > props.maxConnections()) {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    void releaseConnection() {
        connections.decrementAndGet();
    }

    /** Adds an authenticated subscriber; an error message if its organization is at its cap. */
    Optional<String> join(StreamSubscriber s) {
        String[] refused = new String[1];
        byOrg.compute(s.organizationId(), (org, set) -> {
            Set<StreamSubscriber> subs = set != null ? set : ConcurrentHashMap.newKeySet();
            if (subs.size() >= props.perOrganization()) {
                refused[0] = "too many event stream connections for this organization (limit "
                        + props.perOrganization() + ")";
            } else {
                subs.add(s);
            }
            return subs.isEmpty() ? null : subs;
        });
        return Optional.ofNullable(refused[0]);
    }

    void leave(StreamSubscriber s) {
        byOrg.computeIfPresent(s.organizationId(), (org, subs) -> {
            subs.remove(s);
            return subs.isEmpty() ? null : subs;
        });
    }

    boolean hasSubscribers(String organizationId) {
        return byOrg.containsKey(organizationId);
    }

    void publish(StreamEvent e) {
        Set<StreamSubscriber> subs = byOrg.get(e.organizationId());
        if (subs != null) {
            subs.forEach(s -> s.deliver(e));
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        byOrg.values().forEach(subs -> subs.forEach(s -> s.close("server shutting down")));
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
