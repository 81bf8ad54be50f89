package dev.berth.server.event.stream;

/**
 * One event ready for the wire: serialized once, written to every subscriber of its organization.
 *
 * @param json the payload object as JSON text
 */
public record StreamEvent(String organizationId, String sandboxId, String name, String json) {
}
