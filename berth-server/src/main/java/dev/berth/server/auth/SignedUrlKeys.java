package dev.berth.server.auth;

import java.util.Optional;

/**
 * The signing keys of sandboxes' file URLs, for the authentication filter (a port: the toolbox feature owns the
 * keys and implements it).
 */
public interface SignedUrlKeys {

    /**
     * @param organizationId the sandbox's organization
     * @param current        the key links are verified with
     * @param previous       the key the last rotation replaced, or null; only to say why an old link fails
     */
    record Keys(String organizationId, String current, String previous) {
    }

    /** The keys of the sandbox with exactly this id, or empty when it has none (never asked, or unknown). */
    Optional<Keys> of(String sandboxId);
}
