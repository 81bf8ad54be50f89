package dev.berth.protocol.runner;

/**
 * One job as a runner receives it from a long poll. {@code payload} is JSON whose shape depends
 * on the type and on the runner's protocol version (v1: {@link SandboxSpecV1}, v2: {@link dev.berth.protocol.SandboxSpec}).
 */
public record Job(String id, JobType type, String sandboxId, String payload, String traceparent) {
}
