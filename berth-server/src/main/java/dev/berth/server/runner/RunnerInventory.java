package dev.berth.server.runner;

import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import java.util.Map;
import java.util.Set;

/**
 * The Berth containers on one runner's engine.
 *
 * @param containers status per sandbox id (a sandbox with no entry has no container)
 * @param detail     exit detail per sandbox id, where the runner sent it
 * @param busy       sandboxes with a runner job in flight (their job decides their outcome)
 * @param live       the control plane reaches this runner's engine itself: each sandbox is inspected afresh
 *                   when it is judged, rather than judged from this listing (a snapshot by then)
 */
public record RunnerInventory(String runnerId, Map<String, ContainerStatus> containers,
        Map<String, ObservedSandbox> detail, Set<String> busy, boolean live) {

    public RunnerInventory {
        containers = Map.copyOf(containers);
        detail = Map.copyOf(detail);
        busy = Set.copyOf(busy);
    }

    public ContainerStatus statusOf(String sandboxId) {
        return containers.getOrDefault(sandboxId, ContainerStatus.MISSING);
    }
}
