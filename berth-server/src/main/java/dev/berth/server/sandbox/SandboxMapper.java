package dev.berth.server.sandbox;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Row to wire DTO, and the JSON columns (env, labels) to maps and back. */
@Component
public class SandboxMapper {

    private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {
    };

    private final JsonMapper json;
    private final dev.berth.server.config.PublicUrl publicUrl;

    public SandboxMapper(JsonMapper json, dev.berth.server.config.PublicUrl publicUrl) {
        this.json = json;
        this.publicUrl = publicUrl;
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
                s.isNetworkBlockAll(), s.getNetworkAllowList(), s.getDomainAllowList(), s.getTarget(), s.getCpu(), 0, s.getMemoryGib(), s.getDiskGib(),
                s.getState().wireName(), s.getDesiredState().wireName(), s.getErrorReason(), RecoverAction.recoverable(s),
                s.getStateReason(), s.getAutoStopInterval(), s.getAutoPauseInterval(), s.getAutoArchiveInterval(),
                s.getAutoDeleteInterval(), s.getDestroyAt() == null ? null : s.getDestroyAt().toString(),
                full ? List.of() : null, s.getCreatedAt().toString(), s.getUpdatedAt().toString(),
                s.getLastActivityAt() == null ? null : s.getLastActivityAt().toString(), s.getRunnerId(),
                toolboxProxyUrl(), "container", null, s.getWarmPoolId(),
                s.getBackupImage() == null ? "None" : "Completed",
                s.getBackupAt() == null ? null : s.getBackupAt().toString());
    }

    public String toolboxProxyUrl() {
        return publicUrl() + "/api/toolbox";
    }

    public String publicUrl() {
        return publicUrl.get();
    }
}
