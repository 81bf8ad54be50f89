package dev.berth.server.snapshot;

import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The entrypoint a sandbox's agent runs as its main process: its snapshot's. */
@Component
public class SnapshotEntrypoints {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SnapshotRepository snapshots;

    public SnapshotEntrypoints(SnapshotRepository snapshots) {
        this.snapshots = snapshots;
    }

    public List<String> of(String organizationId, String snapshotName) {
        return snapshots.findVisible(organizationId, snapshotName).stream().findFirst()
                .map(s -> parse(s.getEntrypointJson())).orElse(List.of());
    }

    static List<String> parse(String json) {
        return json == null || json.isBlank() ? List.of() : JSON.readValue(json, new TypeReference<List<String>>() { });
    }

    static String json(List<String> entrypoint) {
        return entrypoint == null || entrypoint.isEmpty() ? null : JSON.writeValueAsString(entrypoint);
    }
}
