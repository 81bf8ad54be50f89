package dev.berth.server.sandbox;

import dev.berth.server.config.BerthProperties;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Row to wire DTO, and the JSON columns (env, labels) to maps and back. */
@Component
public class SandboxMapper {

    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    private final JsonMapper json;
    private final BerthProperties props;
    private final ApplicationContext context;

    public SandboxMapper(JsonMapper json, BerthProperties props, ApplicationContext context) {
        this.json = json;
        this.props = props;
        this.context = context;
    }

    public String toJson(Map<String, String> map) {
        return json.writeValueAsString(new TreeMap<>(map));
    }

    public Map<String, String> fromJson(String text) {
        return text == null || text.isEmpty() ? Map.of() : json.readValue(text, MAP);
    }

    public SandboxDto toDto(Sandbox s, boolean full) {
        return new SandboxDto(s.getId(), s.getOrganizationId(), s.getName(), s.getSnapshotName(), s.getOsUser(),
                full ? fromJson(s.getEnvJson()) : null, fromJson(s.getLabelsJson()), s.isPublicAccess(),
                s.isNetworkBlockAll(), s.getTarget(), s.getCpu(), 0, s.getMemoryGib(), s.getDiskGib(),
                s.getState().wireName(), s.getDesiredState().wireName(), s.getErrorReason(), false,
                s.getAutoStopInterval(), s.getAutoArchiveInterval(), s.getAutoDeleteInterval(),
                full ? List.of() : null, s.getCreatedAt().toString(), s.getUpdatedAt().toString(),
                s.getLastActivityAt() == null ? null : s.getLastActivityAt().toString(), s.getRunnerId(),
                toolboxProxyUrl(), "container", null);
    }

    public String toolboxProxyUrl() {
        return publicUrl() + "/api/toolbox";
    }

    public String publicUrl() {
        String configured = props.publicUrl();
        if (configured != null && !configured.isBlank()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        int port = context instanceof WebServerApplicationContext w && w.getWebServer() != null
                ? w.getWebServer().getPort() : 3000;
        return "http://localhost:" + port;
    }
}
