package dev.berth.server.org;

/**
 * Port: what another feature keeps for an organization, cleared (or refusing, with a 409 that says what to do) in
 * the transaction that deletes the organization. Owned by org; features that keep per-organization rows
 * implement it (warm pools do).
 */
public interface OrganizationDeletion {

    void beforeDelete(String organizationId);
}
