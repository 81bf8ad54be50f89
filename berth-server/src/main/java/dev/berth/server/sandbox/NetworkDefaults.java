package dev.berth.server.sandbox;

import dev.berth.core.network.NetworkPolicy;

/**
 * Port: the egress policy an organization's new sandboxes start from (a create's own fields override it field by
 * field). Owned by sandbox; the org feature, which keeps organizations, implements it.
 */
public interface NetworkDefaults {

    NetworkPolicy of(String organizationId);
}
