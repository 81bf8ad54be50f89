package dev.berth.server.ssh;

import java.time.Instant;

/** What a valid token grants: SSH into one sandbox of one organization, until {@code expiresAt}. */
record SshGrant(String accessId, String organizationId, String sandboxId, Instant expiresAt) {
}
