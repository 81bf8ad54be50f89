package dev.berth.server.event.stream;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Socket.IO upgrades that have not authenticated yet. The upgrade carries no credentials (they come in the
 * CONNECT packet), so anyone (including code inside a sandbox) can open one: they get a budget of their own,
 * in total and per client address, and never take one of the authenticated slots ({@code maxConnections}),
 * so a flood of them cannot keep a tenant's stream out. Each also has {@code connectTimeout} to authenticate.
 * Per replica, like the other stream caps.
 */
final class PendingConnections {

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    PendingConnections(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a pending slot for {@code address}; the refusal when its or the total budget is spent. */
    Optional<String> admit(String address) {
        String[] refused = new String[1];
        byAddress.compute(address, (a, n) -> {
            AtomicInteger count = n != null ? n : new AtomicInteger();
            if (count.get() >= maxPerAddress) {
                refused[0] = "too many unauthenticated event stream connections from " + a + " (limit "
                        + maxPerAddress + ", berth.events.stream.pending-per-address)";
            } else if (total.incrementAndGet() > maxTotal) {
                total.decrementAndGet();
                refused[0] = "too many unauthenticated event stream connections (limit " + maxTotal
                        + ", berth.events.stream.max-pending)";
            } else {
                count.incrementAndGet();
            }
            return count.get() == 0 ? null : count;
        });
        return Optional.ofNullable(refused[0]);
    }

    void release(String address) {
        byAddress.computeIfPresent(address, (a, n) -> {
            total.decrementAndGet();
            return n.decrementAndGet() == 0 ? null : n;
        });
    }

    int total() {
        return total.get();
    }
}
