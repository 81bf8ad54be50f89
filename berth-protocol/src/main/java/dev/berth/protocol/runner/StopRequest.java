package dev.berth.protocol.runner;

/**
 * The payload of a stop job.
 *
 * @param force kill at once instead of SIGTERM and the runner's stop timeout
 */
public record StopRequest(boolean force) {
}
