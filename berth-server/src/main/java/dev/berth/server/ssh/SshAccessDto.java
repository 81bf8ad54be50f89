package dev.berth.server.ssh;

import java.time.Instant;

/** The Daytona {@code SshAccessDto}: the token is shown here only, once. */
public record SshAccessDto(String id, String sandboxId, String token, Instant expiresAt, Instant createdAt,
        Instant updatedAt, String sshCommand) {
}
