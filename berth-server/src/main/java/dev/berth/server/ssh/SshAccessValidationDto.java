package dev.berth.server.ssh;

/** The Daytona {@code SshAccessValidationDto}; {@code sandboxId} is null when the token is not valid. */
public record SshAccessValidationDto(boolean valid, String sandboxId) {
}
