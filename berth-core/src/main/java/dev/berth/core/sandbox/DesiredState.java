package dev.berth.core.sandbox;

/** What the user wants a sandbox to be; reconcilers drive {@link SandboxState} towards it. */
public enum DesiredState {
    DESTROYED("destroyed"),
    STARTED("started"),
    STOPPED("stopped"),
    RESIZED("resized"),
    ARCHIVED("archived"),
    PAUSED("paused");

    private final String wireName;

    DesiredState(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
