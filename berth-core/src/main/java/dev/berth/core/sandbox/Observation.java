package dev.berth.core.sandbox;

import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;

/**
 * What was seen of one sandbox's container, and how: the same status means different things from an
 * inspection made now and from a runner's inventory, a snapshot taken before it arrived.
 *
 * @param exitCode  how an exited container ended, when known
 * @param oomKilled the engine killed it for exceeding its memory limit
 */
public record Observation(Source source, ContainerStatus status, Integer exitCode, boolean oomKilled) {

    public enum Source {
        /** Inspected by this process just now (the embedded runner). */
        INSPECTED,
        /** A remote runner's inventory with the container's exit detail. */
        INVENTORY,
        /** A remote runner's inventory without exit detail (an older runner): an exit is taken as a clean stop. */
        INVENTORY_WITHOUT_DETAIL
    }

    public static Observation inspected(ObservedSandbox o) {
        return new Observation(Source.INSPECTED, o.status(), o.exitCode(), o.oomKilled());
    }

    /**
     * @param detail the runner's detail for the sandbox, or null; ignored when it describes another status
     *               (inventory and detail are read at slightly different moments)
     */
    public static Observation inventory(ContainerStatus status, ObservedSandbox detail) {
        return detail != null && detail.status() == status
                ? new Observation(Source.INVENTORY, status, detail.exitCode(), detail.oomKilled())
                : new Observation(Source.INVENTORY_WITHOUT_DETAIL, status, null, false);
    }

    boolean isSnapshot() {
        return source != Source.INSPECTED;
    }

    /** The exit code to judge by: an inventory's exit without detail counts as a clean stop (exit code 0). */
    Integer judgedExitCode() {
        if (!isSnapshot()) {
            return exitCode;
        }
        if (status != ContainerStatus.EXITED) {
            return null;
        }
        return source == Source.INVENTORY ? exitCode : Integer.valueOf(0);
    }
}
