package dev.berth.server.runner;

import dev.berth.core.placement.RunnerResources;
import java.util.Map;

/**
 * Port: what the live sandboxes placed on runners take (cpu, memory, disk, count), for placement and for refusing to
 * remove a runner that still holds sandboxes. Owned by runner; the sandbox feature, which keeps the rows, implements it.
 */
public interface RunnerAllocations {

    /** One runner's allocation ({@link RunnerResources#NONE} when it holds no live sandbox). */
    RunnerResources allocationOf(String runnerId);

    /** Every runner's allocation that holds at least one live sandbox, by runner id. */
    Map<String, RunnerResources> allocationByRunner();
}
