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
        List<Object[]> rows = sandboxes.allocationOfRunner(runnerId);
        Object[] row = rows.isEmpty() ? null : rows.get(0);
        if (row == null || row[3] == null || ((Number) row[3]).intValue() == 0) {
            return RunnerResources.NONE;
        }
        return new RunnerResources(((Number) row[0]).intValue(), ((Number) row[1]).intValue(),
                ((Number) row[2]).intValue(), ((Number) row[3]).intValue());
    }

    @Override
    public Map<String, RunnerResources> allocationByRunner() {
        Map<String, RunnerResources> out = new HashMap<>();
        for (Object[] row : sandboxes.allocationByRunner()) {
            out.put((String) row[0], new RunnerResources(((Number) row[1]).intValue(), ((Number) row[2]).intValue(),
                    ((Number) row[3]).intValue(), ((Number) row[4]).intValue()));
        }
        return out;
    }
}
