package dev.berth.server.sandbox;

import dev.berth.core.placement.RunnerResources;
import dev.berth.server.runner.RunnerAllocations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** runner's {@link RunnerAllocations} port, summed by the database over the live sandbox rows. */
@Component
class SandboxAllocations implements RunnerAllocations {

    private final SandboxRepository sandboxes;

    SandboxAllocations(SandboxRepository sandboxes) {
        this.sandboxes = sandboxes;
    }

    /** One runner's sums, without aggregating every other runner's (placement calls this under the row locks). */
    @Override
    public RunnerResources allocationOf(String runnerId) {
        List<AllocationRow> rows = sandboxes.allocationOfRunner(runnerId);
        return rows.isEmpty() ? RunnerResources.NONE : rows.get(0).resources();
    }

    @Override
    public Map<String, RunnerResources> allocationByRunner() {
        Map<String, RunnerResources> out = new HashMap<>();
        for (AllocationRow row : sandboxes.allocationByRunner()) {
            out.put(row.runnerId(), row.resources());
        }
        return out;
    }
}
