package dev.berth.protocol.runner;

import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import java.util.List;
import java.util.Map;

/**
 * A runner's periodic report: live usage, engine health, and its inventory (every Berth container
 * it holds and its status), which the control plane compares with its records.
 *
 * @param inventory null when the engine could not be read (unknown, which is not the same as empty)
 * @param observed  the same containers with how they ended (exit code, OOM kill), so a killed container is
 *                  told from a clean stop; null from runners that predate it (the control plane then treats
 *                  an exit as clean)
 * @param images    every tagged image the runner's engine holds ({@code repository:tag}); null when unknown
 *                  (the engine could not be read, or a runner that predates it): the last known list stands
 */
public record Heartbeat(double cpuUsage, double memoryUsage, double diskUsage, double loadPerCore, int sandboxCount,
        boolean engineHealthy, String agentVersion, Map<String, ContainerStatus> inventory,
        Map<String, ObservedSandbox> observed, List<String> images) {
}
