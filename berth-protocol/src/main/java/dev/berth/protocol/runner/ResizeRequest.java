package dev.berth.protocol.runner;

/** Payload of {@link JobType#RESIZE_SANDBOX}: the sandbox's new CPU quota and memory limit (swap equals memory). */
public record ResizeRequest(long nanoCpus, long memoryBytes) {
}
