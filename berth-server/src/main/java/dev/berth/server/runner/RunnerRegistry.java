package dev.berth.server.runner;

import dev.berth.core.error.UnavailableException;
import dev.berth.runner.SandboxRunner;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runners this control plane can place sandboxes on. In embedded mode that is the one
 * in-process runner, usable once its engine answers and the busybox image is imported.
 */
public class RunnerRegistry {

    private final SandboxRunner local;
    private final AtomicReference<String> notReadyReason = new AtomicReference<>("runner is starting");

    public RunnerRegistry(SandboxRunner local) {
        this.local = local;
    }

    public void markReady() {
        notReadyReason.set(null);
    }

    public void markNotReady(String reason) {
        notReadyReason.set(reason);
    }

    /** Why no runner can take work, or empty when one can. */
    public Optional<String> notReadyReason() {
        return Optional.ofNullable(notReadyReason.get());
    }

    /** The runner a new sandbox goes to. */
    public SandboxRunner place() {
        String reason = notReadyReason.get();
        if (reason != null) {
            throw new UnavailableException("no runner is ready to take sandboxes: " + reason);
        }
        return local;
    }

    /** The runner holding a sandbox. */
    public SandboxRunner byId(String runnerId) {
        if (runnerId == null || !runnerId.equals(local.runnerId())) {
            throw new UnavailableException("runner '" + runnerId + "' is not connected to this control plane");
        }
        return local;
    }

    public SandboxRunner local() {
        return local;
    }
}
