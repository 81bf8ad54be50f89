package dev.berth.protocol.runner;

import dev.berth.protocol.ContainerStatus;

/** A runner's report on a finished job. */
public record JobResult(boolean ok, String error, ContainerStatus observed) {

    public static JobResult success(ContainerStatus observed) {
        return new JobResult(true, null, observed);
    }

    public static JobResult failure(String error) {
        return new JobResult(false, error, null);
    }
}
