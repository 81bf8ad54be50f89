package dev.berth.server.sandbox;

import dev.berth.core.placement.RunnerResources;

/**
 * What the live sandboxes of one runner add up to, as the database sums them (sums are null over no rows).
 * Built by a JPQL constructor expression in {@link SandboxRepository}.
 */
public record AllocationRow(String runnerId, Long cpu, Long memoryGib, Long diskGib, Long count) {

    RunnerResources resources() {
        if (count == null || count == 0) {
            return RunnerResources.NONE;
        }
        return new RunnerResources(cpu.intValue(), memoryGib.intValue(), diskGib.intValue(), count.intValue());
    }
}
