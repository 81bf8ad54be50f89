package dev.berth.runner.engine;

import java.util.Map;

/**
 * Something the engine reported about a Berth container, or that the event stream was
 * (re)connected after a gap (then anything may have been missed: compare the full inventory).
 *
 * @param kind        what happened
 * @param containerId the engine's id of the container; null for {@link Kind#STREAM_RESTORED}
 * @param labels      the container's labels (Berth's {@code berth.sandbox}, {@code berth.runner}, ...)
 * @param exitCode    the exit code of a {@link Kind#DIED} container, when the engine said
 */
public record ContainerEvent(Kind kind, String containerId, Map<String, String> labels, Integer exitCode) {

    /** The events Berth reacts to. */
    public enum Kind {
        DIED,
        OOM_KILLED,
        DESTROYED,
        STREAM_RESTORED
    }

    public ContainerEvent {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public static ContainerEvent streamRestored() {
        return new ContainerEvent(Kind.STREAM_RESTORED, null, Map.of(), null);
    }

    /** The value of a label, or null. */
    public String label(String key) {
        return labels.get(key);
    }
}
