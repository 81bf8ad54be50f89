package dev.berth.server.runner;

import java.time.Instant;

/**
 * Where everything runners tell about sandboxes goes: the one sandbox reconciler (in the {@code sandbox}
 * feature, which implements this). The runner feature only gathers and forwards; it never reads or writes
 * sandbox rows.
 */
public interface SandboxObserver {

    /** A runner's whole inventory: a remote runner's heartbeat, or the embedded engine's periodic listing. */
    void inventory(RunnerInventory inventory);

    /** The embedded engine reported an event about one sandbox's container: look at it now. */
    void containerChanged(String runnerId, String sandboxId);

    /** A runner has sent no heartbeat since {@code lastHeartbeat}, for longer than the lost-after setting. */
    void runnerSilent(String runnerId, Instant lastHeartbeat);
}
