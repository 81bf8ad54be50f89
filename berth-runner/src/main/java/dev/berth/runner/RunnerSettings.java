package dev.berth.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How one runner behaves.
 *
 * @param runnerId       stamped on every container as {@code berth.runner}
 * @param dataDir        per-sandbox host directories live under {@code dataDir/sandboxes}
 * @param agentBinary    the static in-sandbox agent; null runs sandboxes without it: they run (a sleep loop is
 *                       their init) but have no toolbox, and every toolbox call fails
 * @param pidsLimit      process limit of every sandbox
 * @param stopTimeout    grace period between SIGTERM and SIGKILL on stop
 * @param capAdd         capabilities kept after dropping all (documented in docs/security.md)
 * @param networkMode    the engine network sandboxes join (the engine's own bridge by default)
 */
public record RunnerSettings(
        String runnerId,
        Path dataDir,
        Path agentBinary,
        long pidsLimit,
        Duration stopTimeout,
        List<String> capAdd,
        String networkMode) {

    /** Capabilities a sandbox keeps: enough for package managers and ordinary root work, nothing that touches the host. */
    public static final List<String> DEFAULT_CAPS = List.of(
            "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP", "NET_BIND_SERVICE");
}
