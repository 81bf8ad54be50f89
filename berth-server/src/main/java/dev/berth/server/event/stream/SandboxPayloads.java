package dev.berth.server.event.stream;

import java.util.Optional;

/**
 * Port: a sandbox as {@code GET /api/sandbox/{id}} returns it, for the events the Daytona SDK reads. Owned by the
 * event stream; the sandbox feature (which writes the outbox rows the stream reads) implements it.
 */
public interface SandboxPayloads {

    /** The sandbox's full DTO, read now; empty when it is gone or belongs to another organization. */
    Optional<Object> current(String organizationId, String sandboxId);
}
