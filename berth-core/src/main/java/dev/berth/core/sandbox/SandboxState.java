package dev.berth.core.sandbox;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Sandbox states, spelled on the wire as the Daytona API spells them. */
public enum SandboxState {
    CREATING("creating"),
    RESTORING("restoring"),
    DESTROYED("destroyed"),
    DESTROYING("destroying"),
    STARTED("started"),
    STOPPED("stopped"),
    STARTING("starting"),
    STOPPING("stopping"),
    ERROR("error"),
    BUILD_FAILED("build_failed"),
    PENDING_BUILD("pending_build"),
    BUILDING_SNAPSHOT("building_snapshot"),
    UNKNOWN("unknown"),
    PULLING_SNAPSHOT("pulling_snapshot"),
    ARCHIVED("archived"),
    ARCHIVING("archiving"),
    RESIZING("resizing"),
    PAUSING("pausing"),
    PAUSED("paused"),
    RESUMING("resuming");

    private static final Map<String, SandboxState> BY_WIRE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(SandboxState::wireName, Function.identity()));

    private final String wireName;

    SandboxState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<SandboxState> fromWire(String name) {
        return Optional.ofNullable(BY_WIRE.get(name));
    }

    /** States in which work is in flight and a reconciler may have to finish or time it out. */
    public boolean isTransitional() {
        return switch (this) {
            case CREATING, RESTORING, DESTROYING, STARTING, STOPPING, ARCHIVING, RESIZING, PAUSING, RESUMING,
                    PULLING_SNAPSHOT, BUILDING_SNAPSHOT, PENDING_BUILD -> true;
            default -> false;
        };
    }
}
