package dev.berth.core.sandbox;

import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import java.time.Instant;

/**
 * Everything the one sandbox reconciler learns from the outside, as one type: what was seen of a sandbox's
 * container (and how: the same status means different things from an inspection made now and from a runner's
 * inventory, a snapshot taken before it arrived), that its runner fell silent, or that a command failed.
 */
public sealed interface Observation {

    /** How a container's status was learned. */
    enum Source {
        /** Inspected by this process just now (a runner whose engine the control plane reaches directly). */
        INSPECTED,
        /** Inspected just now because the engine reported the container died: it may be about to be removed. */
        ENGINE_EVENT,
        /** A remote runner's inventory with the container's exit detail. */
        INVENTORY,
        /** A remote runner's inventory without exit detail (an older runner): an exit is taken as a clean stop. */
        INVENTORY_WITHOUT_DETAIL
    }

    /**
     * The sandbox's container as seen.
     *
     * @param exitCode  how an exited container ended, when known
     * @param oomKilled the engine killed it for exceeding its memory limit
     */
    record Container(Source source, ContainerStatus status, Integer exitCode, boolean oomKilled) implements Observation {

        /** A snapshot taken before it arrived (judged only against changes older than the observation grace). */
        boolean isSnapshot() {
            return source == Source.INVENTORY || source == Source.INVENTORY_WITHOUT_DETAIL;
        }

        /** The exit code to judge by: an inventory's exit without detail counts as a clean stop (exit code 0). */
        Integer judgedExitCode() {
            if (source == Source.INVENTORY_WITHOUT_DETAIL) {
                return status == ContainerStatus.EXITED ? Integer.valueOf(0) : null;
            }
            return exitCode;
        }
    }

    /** The sandbox's runner has sent no heartbeat since {@code lastHeartbeat}, for longer than the lost-after setting. */
    record RunnerSilent(String runnerId, Instant lastHeartbeat) implements Observation {
    }

    /** A command the reconciler sent failed with the runner's message. */
    record CommandFailed(RunnerCommand command, String message) implements Observation {
    }

    static Observation inspected(ObservedSandbox o) {
        return new Container(Source.INSPECTED, o.status(), o.exitCode(), o.oomKilled());
    }

    static Observation afterEngineEvent(ObservedSandbox o) {
        return new Container(Source.ENGINE_EVENT, o.status(), o.exitCode(), o.oomKilled());
    }

    /**
     * @param detail the runner's detail for the sandbox, or null; ignored when it describes another status
     *               (inventory and detail are read at slightly different moments)
     */
    static Observation inventory(ContainerStatus status, ObservedSandbox detail) {
        return detail != null && detail.status() == status
                ? new Container(Source.INVENTORY, status, detail.exitCode(), detail.oomKilled())
                : new Container(Source.INVENTORY_WITHOUT_DETAIL, status, null, false);
    }
}
