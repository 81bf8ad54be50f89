package dev.berth.server.preview;

import dev.berth.server.limits.BoundedCounts;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Preview exchanges open at once on this replica: in all, per organization and per sandbox. Each exchange holds a
 * request thread, so these bounds keep long streams of one sandbox, or of one tenant's sandboxes, from taking every
 * thread. A slot is taken at all three levels or at none.
 */
final class PreviewSlots {

    private final int total;
    private final AtomicInteger open = new AtomicInteger();
    private final BoundedCounts byOrganization;
    private final BoundedCounts bySandbox;

    PreviewSlots(int total, int perOrganization, int perSandbox) {
        this.total = total;
        this.byOrganization = new BoundedCounts(perOrganization);
        this.bySandbox = new BoundedCounts(perSandbox);
    }

    boolean acquire(String sandboxId, String organizationId) {
        if (open.incrementAndGet() > total) {
            open.decrementAndGet();
            return false;
        }
        if (!byOrganization.tryTake(organizationId)) {
            open.decrementAndGet();
            return false;
        }
        if (!bySandbox.tryTake(sandboxId)) {
            byOrganization.give(organizationId);
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    void release(String sandboxId, String organizationId) {
        bySandbox.give(sandboxId);
        byOrganization.give(organizationId);
        open.decrementAndGet();
    }

    int openFor(String sandboxId) {
        return bySandbox.held(sandboxId);
    }
}
