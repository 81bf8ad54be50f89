package dev.berth.core.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Remembers since when each container without a live sandbox row has been seen, and says which
 * have been orphans for longer than the grace period. An id missing from a later observation
 * (its row appeared, or the container went away) starts over. Not thread-safe: one per loop.
 */
public final class OrphanGrace {

    private final Duration grace;
    private final Map<String, Instant> firstSeen = new HashMap<>();

    public OrphanGrace(Duration grace) {
        this.grace = grace;
    }

    /**
     * @param orphans every sandbox id whose container exists but has no live row, as of {@code now}
     * @return the ids that have been orphans for at least the grace period (remove them now)
     */
    public List<String> due(Set<String> orphans, Instant now) {
        firstSeen.keySet().retainAll(orphans);
        for (String id : orphans) {
            firstSeen.putIfAbsent(id, now);
        }
        return firstSeen.entrySet().stream()
                .filter(e -> !e.getValue().plus(grace).isAfter(now))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Forgets an id (after it was removed, or its row appeared). */
    public void forget(String id) {
        firstSeen.remove(id);
    }
}
