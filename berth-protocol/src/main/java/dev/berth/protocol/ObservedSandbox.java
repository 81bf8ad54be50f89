package dev.berth.protocol;

/** A runner's report on one sandbox container. */
public record ObservedSandbox(String sandboxId, ContainerStatus status, Integer exitCode, boolean oomKilled) {

    public static ObservedSandbox missing(String sandboxId) {
        return new ObservedSandbox(sandboxId, ContainerStatus.MISSING, null, false);
    }
}
