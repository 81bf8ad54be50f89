package dev.berth.protocol.runner;

import dev.berth.protocol.ContainerStatus;
import java.util.Map;

/**
 * A runner's periodic report: live usage, engine health, and its inventory (every Berth container
 * it holds and its status), which the control plane compares with its records.
 */
public record Heartbeat(double cpuUsage, double memoryUsage, double diskUsage, double loadPerCore, int sandboxCount,
        boolean engineHealthy, String agentVersion, Map<String, ContainerStatus> inventory) {
}
