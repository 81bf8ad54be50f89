package dev.berth.server.snapshot;

import java.util.List;

/** {@code POST /api/snapshots}, as the Daytona SDK sends it. */
public record CreateSnapshotRequest(String name, String imageName, List<String> entrypoint, BuildInfo buildInfo,
        Integer cpu, Integer gpu, List<String> gpuType, Integer memory, Integer disk, String regionId,
        String sandboxClass) {

    /** The request in a body; a field this API does not know is refused (400 naming it), not ignored. */
    static CreateSnapshotRequest parse(tools.jackson.databind.JsonNode body, tools.jackson.databind.json.JsonMapper json) {
        var b = body == null ? null : body.get("buildInfo");
        if (b != null && b.isObject()) {
            for (String f : b.propertyNames()) {
                if (!f.equals("dockerfileContent") && !f.equals("contextHashes")) {
                    throw new dev.berth.core.error.InvalidRequestException("buildInfo." + f + ": unknown field; "
                            + "buildInfo has dockerfileContent and contextHashes");
                }
            }
        }
        return dev.berth.server.api.StrictBodies.parse(body, CreateSnapshotRequest.class, json);
    }

    /** A Dockerfile and the hashes of the build contexts the client uploaded to object storage. */
    public record BuildInfo(String dockerfileContent, List<String> contextHashes) {
    }
}
