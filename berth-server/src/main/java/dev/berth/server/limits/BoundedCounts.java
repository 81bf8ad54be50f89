package dev.berth.server.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something each key (an organization, a sandbox) holds at once, up to a bound: a take beyond it is
 * refused and changes nothing. Per process: for resources of one replica (threads, connections).
 */
public final class BoundedCounts {

    private final int bound;
    private final ConcurrentHashMap<String, Integer> held = new ConcurrentHashMap<>();

    public BoundedCounts(int bound) {
        this.bound = bound;
    }

    /** Takes one for {@code key}; false, taking nothing, when it holds the bound already. */
    public boolean tryTake(String key) {
        boolean[] taken = {false};
        held.compute(key, (k, n) -> {
            int current = n == null ? 0 : n;
            if (current >= bound) {
                return n;
            }
            taken[0] = true;
            return current + 1;
        });
        return taken[0];
    }

    /** Gives one back (never below nothing). */
    public void give(String key) {
        held.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    public int held(String key) {
        return held.getOrDefault(key, 0);
    }

    public int bound() {
        return bound;
    }
}
