package dev.berth.server.sandbox;

import dev.berth.core.sandbox.Resources;

/**
 * Port: whether the organization may take on a sandbox's resources. Both calls run inside the transaction that records
 * the change and lock the organization first, so concurrent creates and starts (on any replica) are serialized per
 * organization; a refusal is a {@code BerthException} (quota exceeded, organization suspended). Owned by sandbox; the
 * org feature, which keeps quotas and suspensions, implements it.
 */
public interface QuotaGate {

    void lockAndCheckCreate(String organizationId, Resources resources);

    void lockAndCheckStart(String organizationId, Resources resources);

    /**
     * A claim from the organization's own warm pool, whose sandbox already counts against its quota: locks the
     * organization and refuses what would refuse any create besides its totals: a suspension, or per-sandbox
     * limits lowered since the pool was filled.
     */
    void lockAndCheckClaim(String organizationId, Resources resources);

    /** Locks the organization and refuses if it is suspended (a resume takes no more quota, but runs again). */
    void lockAndCheckActive(String organizationId);

    /** A resize of one of its sandboxes from {@code from} to {@code to} (cpu and memory count while it runs). */
    void lockAndCheckResize(String organizationId, Resources from, Resources to, boolean running);
}
