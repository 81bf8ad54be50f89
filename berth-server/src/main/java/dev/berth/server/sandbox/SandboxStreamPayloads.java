package dev.berth.server.sandbox;

import dev.berth.server.event.stream.SandboxPayloads;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The event stream's {@link SandboxPayloads} port, answered with the same DTO the REST API returns. */
@Component
class SandboxStreamPayloads implements SandboxPayloads {

    private final SandboxRepository sandboxes;
    private final SandboxMapper mapper;

    SandboxStreamPayloads(SandboxRepository sandboxes, SandboxMapper mapper) {
        this.sandboxes = sandboxes;
        this.mapper = mapper;
    }

    @Override
    public Optional<Object> current(String organizationId, String sandboxId) {
        return sandboxes.findById(sandboxId).filter(s -> organizationId.equals(s.getOrganizationId()) && !s.isPooled())
                .map(s -> mapper.toDto(s, true));
    }
}
