package dev.berth.server.org;

import dev.berth.core.error.ForbiddenException;
import dev.berth.core.quota.QuotaPolicy;
import dev.berth.core.quota.Usage;
import dev.berth.core.sandbox.Resources;
import dev.berth.server.sandbox.QuotaGate;
import dev.berth.server.sandbox.SandboxRepository;
import java.time.Clock;
import org.springframework.stereotype.Service;

/**
 * Quota checks that cannot be raced: callers run them inside the transaction that records the
 * change, after locking the organization row, so concurrent creates (on any replica sharing the
 * database) are serialized per organization.
 */
@Service
public class QuotaService implements QuotaGate, dev.berth.server.snapshot.SnapshotQuotas {

    private final OrganizationRepository orgs;
    private final SandboxRepository sandboxes;
    private final Clock clock;

    public QuotaService(OrganizationRepository orgs, SandboxRepository sandboxes, Clock clock) {
        this.orgs = orgs;
        this.sandboxes = sandboxes;
        this.clock = clock;
    }

    /** What the organization's live sandboxes hold, summed by the database. */
    public Usage usage(String orgId) {
        return sandboxes.usageOf(orgId).usage();
    }

    /** Must run inside a transaction: locks the organization, then checks a create against its quota. */
    @Override
    public void lockAndCheckCreate(String orgId, Resources r) {
        Organization o = lockActive(orgId);
        QuotaPolicy.checkCreate(o.getQuota().toQuota(), usage(orgId), r);
    }

    /** Must run inside a transaction: locks the organization, then checks a start against its quota. */
    @Override
    public void lockAndCheckStart(String orgId, Resources r) {
        Organization o = lockActive(orgId);
        QuotaPolicy.checkStart(o.getQuota().toQuota(), usage(orgId), r);
    }

    @Override
    public void lockAndCheckActive(String orgId) {
        lockActive(orgId);
    }

    /** Must run inside a transaction: locks the organization, then checks a resize against its quota. */
    @Override
    public void lockAndCheckResize(String orgId, Resources from, Resources to, boolean running) {
        Organization o = lockActive(orgId);
        QuotaPolicy.checkResize(o.getQuota().toQuota(), usage(orgId), from, to, running);
    }

    /** Must run inside a transaction: a claim from the organization's own pool takes no more quota. */
    @Override
    public void lockAndCheckClaim(String orgId, Resources r) {
        QuotaPolicy.checkPerSandbox(lockActive(orgId).getQuota().toQuota(), r);
    }

    private Organization lockActive(String orgId) {
        Organization o = orgs.lockExisting(orgId);
        ensureNotSuspended(o);
        return o;
    }

    @Override
    public int lockAndGetSnapshotCount(String organizationId) {
        return lockActive(organizationId).getQuota().toQuota().snapshotQuota();
    }

    @Override
    public long maxSnapshotBytes(String organizationId) {
        return orgs.findById(organizationId).map(o -> (long) o.getQuota().toQuota().maxSnapshotSize() << 30)
                .orElse(0L);
    }

    public void ensureNotSuspended(Organization o) {
        if (o.isSuspendedAt(clock.instant())) {
            throw new ForbiddenException("organization " + o.getId() + " is suspended: " + o.getSuspensionReason()
                    + (o.getSuspendedUntil() == null ? "" : " (until " + o.getSuspendedUntil() + ")"));
        }
    }
}
