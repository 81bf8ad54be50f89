package dev.berth.server.auth;

/**
 * What a verified signed file URL allows: one method on one file path of one sandbox, nothing else. Carried by the
 * request's {@link Caller}; {@link AuthorizationInterceptor} admits it only on handlers marked
 * {@link SignedUrlAccess} and only for this exact sandbox, method and {@code path} parameter.
 */
public record SignedUrlGrant(String sandboxId, String method, String path, long expires) {
}
