package dev.berth.server.auth.oidc;

import java.time.Instant;

/**
 * Who a verified token speaks for. A user is identified by {@code subject} together with {@code issuer};
 * {@code email} and {@code name} are informational and may be null.
 */
public record VerifiedIdentity(String subject, String issuer, String email, String name, Instant expiresAt) {
}
