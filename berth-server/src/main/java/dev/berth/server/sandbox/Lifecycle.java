package dev.berth.server.sandbox;

/**
 * The lifecycle policies' part of the reconciler's pass (auto-stop, auto-pause, auto-archive, auto-delete, ttl):
 * the pass calls it, it decides when it is due. Implemented in the {@code lifecycle} package.
 */
public interface Lifecycle {

    void sweep();
}
