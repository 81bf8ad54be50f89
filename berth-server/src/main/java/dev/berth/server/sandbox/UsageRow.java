package dev.berth.server.sandbox;

import dev.berth.core.quota.Usage;

/**
 * What an organization's live sandboxes add up to, as the database sums them (sums are null over no rows). Built by
 * a JPQL constructor expression in {@link SandboxRepository#usageOf}.
 */
public record UsageRow(Long cpu, Long memoryGib, Long diskGib, Long count) {

    public Usage usage() {
        if (count == null || count == 0) {
            return Usage.NONE;
        }
        return new Usage(cpu.intValue(), memoryGib.intValue(), diskGib.intValue(), count.intValue());
    }
}
