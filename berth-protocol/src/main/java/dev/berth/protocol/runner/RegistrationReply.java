package dev.berth.protocol.runner;

/**
 * The control plane's answer to a registration.
 *
 * @param sessionId sent back on every later call; a control plane that no longer knows it asks for a new registration
 */
public record RegistrationReply(String runnerId, String region, String sessionId) {
}
