package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Clean-up of registry and runner images after an archive or backup: tried once, a failure only logged. */
final class RegistryCleanup {

    private static final Logger log = LoggerFactory.getLogger(RegistryCleanup.class);

    private RegistryCleanup() {
    }

    static void bestEffort(String action, Runnable cleanup, String what) {
        try {
            cleanup.run();
        } catch (BerthException e) {
            log.warn("{}: could not {}: {}", action, what, e.getMessage());
        }
    }
}
