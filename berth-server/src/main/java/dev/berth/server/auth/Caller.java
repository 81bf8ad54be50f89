package dev.berth.server.auth;

import java.util.Set;

/**
 * Who made the current request, as established by the authentication filter. Every repository
 * query is scoped by {@link #organizationId()}.
 *
 * @param userId       the acting user (the key's creator for API keys)
 * @param apiKeyId     the API key used, or null for a JWT
 * @param keyPrefix    visible prefix of the API key (for audit), or null
 * @param keySuffix    visible suffix of the API key (for audit), or null
 * @param systemAdmin  may use /api/admin endpoints
 * @param permissions  what the caller may do in {@code organizationId}
 * @param signedUrl    for the holder of a signed file URL (no user, no key, no permissions): the one file operation
 *                     it may perform; null for everyone else
 */
public record Caller(String userId, String organizationId, String apiKeyId, String keyPrefix, String keySuffix,
        boolean systemAdmin, Set<Permission> permissions, SignedUrlGrant signedUrl) {

    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();

    public Caller {
        permissions = permissions == null ? Set.of() : Set.copyOf(permissions);
    }

    public Caller(String userId, String organizationId, String apiKeyId, String keyPrefix, String keySuffix,
            boolean systemAdmin, Set<Permission> permissions) {
        this(userId, organizationId, apiKeyId, keyPrefix, keySuffix, systemAdmin, permissions, null);
    }

    /** The holder of a verified signed file URL of a sandbox in {@code organizationId}. */
    public static Caller signedUrl(String organizationId, SignedUrlGrant grant) {
        return new Caller(null, organizationId, null, null, null, false, Set.of(), grant);
    }

    /**
     * An ordinary API key (not a user's token, not the bootstrap admin key): confined to its own
     * organization and its own permissions on every route; it never acts for its user elsewhere.
     */
    public boolean isOrganizationKey() {
        return apiKeyId != null && !systemAdmin;
    }

    /** Holds every permission there is (an owner's token, or an owner's full key). */
    public boolean hasAllPermissions() {
        return permissions.containsAll(Permission.all());
    }

    public boolean has(Permission p) {
        return permissions.contains(p);
    }

    /**
     * How the actor appears in audit records: the user id, the API key's visible prefix and suffix, or the signed
     * URL's method and sandbox.
     */
    public String actor() {
        if (signedUrl != null) {
            return "signed-url:" + signedUrl.method() + " sandbox:" + signedUrl.sandboxId();
        }
        return apiKeyId != null ? "apikey:" + keyPrefix + "..." + keySuffix + (userId == null ? "" : " user:" + userId)
                : "user:" + userId;
    }
}
