package dev.berth.server.sandbox;

import java.util.concurrent.locks.ReentrantLock;
import org.springframework.stereotype.Component;

/**
 * One lock per sandbox (striped) so two actions on the same sandbox never interleave in this
 * process; across processes the version column's compare-and-set decides.
 */
@Component
public class SandboxLocks {

    private final ReentrantLock[] stripes = new ReentrantLock[256];

    public SandboxLocks() {
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public ReentrantLock of(String sandboxId) {
        return stripes[Math.floorMod(sandboxId.hashCode(), stripes.length)];
    }
}
