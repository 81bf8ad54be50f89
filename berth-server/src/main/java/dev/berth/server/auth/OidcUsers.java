package dev.berth.server.auth;

import dev.berth.server.auth.oidc.VerifiedIdentity;

/**
 * Port: the Berth user a verified OIDC identity speaks for, found by issuer and subject or created on first sight
 * (its email and name kept current). Owned by auth; the org feature, which keeps the users, implements it.
 */
public interface OidcUsers {

    /** The user for this identity; never null. */
    OidcUser userFor(VerifiedIdentity identity);

    /** What authentication needs to know of a user. */
    record OidcUser(String id, boolean systemAdmin) {
    }
}
