package dev.berth.core.sandbox;

import java.util.Arrays;
import java.util.Optional;

/** What the user wants a sandbox to be; reconcilers drive {@link SandboxState} towards it. */
public enum DesiredState {
    DESTROYED("destroyed"),
    STARTED("started"),
    STOPPED("stopped"),
    RESIZED("resized"),
    ARCHIVED("archived");

    private final String wireName;

    DesiredState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<DesiredState> fromWire(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    /** The steady state that satisfies this desire. */
    public SandboxState target() {
        return switch (this) {
            case DESTROYED -> SandboxState.DESTROYED;
            case STARTED, RESIZED -> SandboxState.STARTED;
            case STOPPED -> SandboxState.STOPPED;
            case ARCHIVED -> SandboxState.ARCHIVED;
        };
    }
}
