package dev.berth.server.auth;

import java.util.Optional;
import java.util.Set;

/**
 * Port: what a user may do in an organization, read on every request (so a removed member's keys and tokens stop at
 * once). Owned by auth, which turns credentials into a {@link Caller}; the org feature, which keeps the members,
 * implements it.
 */
public interface Memberships {

    /** The member's effective permissions (an owner has all); empty when the user is not a member. */
    Optional<Set<Permission>> permissionsOf(String organizationId, String userId);

    /** Whether the user is an owner of the organization. */
    boolean isOwner(String organizationId, String userId);
}
