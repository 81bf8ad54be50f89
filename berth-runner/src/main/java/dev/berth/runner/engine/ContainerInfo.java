package dev.berth.runner.engine;

import dev.berth.protocol.ContainerStatus;
import java.util.Map;

/** What the engine reports about one container. */
public record ContainerInfo(
        String id,
        String name,
        ContainerStatus status,
        Integer exitCode,
        boolean oomKilled,
        int pid,
        Map<String, String> labels,
        Map<String, String> addresses) {

    /** @param addresses the container's IPv4 address per engine network it is on (empty when it runs nowhere) */
    public ContainerInfo {
        addresses = addresses == null ? Map.of() : Map.copyOf(addresses);
    }
}
