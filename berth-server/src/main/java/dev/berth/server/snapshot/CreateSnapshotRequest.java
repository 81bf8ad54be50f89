package dev.berth.server.snapshot;

import java.util.List;

/** {@code POST /api/snapshots}, as the Daytona SDK sends it. */
public record CreateSnapshotRequest(String name, String imageName, List<String> entrypoint, BuildInfo buildInfo,
        Integer cpu, Integer gpu, List<String> gpuType, Integer memory, Integer disk, String regionId,
        String sandboxClass) {

    private static final java.util.Set<String> FIELDS = java.util.Arrays.stream(
            CreateSnapshotRequest.class.getRecordComponents()).map(c -> c.getName())
            .collect(java.util.stream.Collectors.toSet());

    /** The request in a body; a field this API does not know is refused (400 naming it), not ignored. */
    static CreateSnapshotRequest parse(tools.jackson.databind.JsonNode body, tools.jackson.databind.json.JsonMapper json) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return null;
        }
        if (!body.isObject()) {
            throw new dev.berth.core.error.InvalidRequestException("body must be a JSON object");
        }
        for (String f : body.propertyNames()) {
            if (!FIELDS.contains(f)) {
                throw new dev.berth.core.error.InvalidRequestException(f + ": unknown field; a snapshot has " + FIELDS);
            }
        }
        var b = body.get("buildInfo");
        if (b != null && b.isObject()) {
            for (String f : b.propertyNames()) {
                if (!f.equals("dockerfileContent") && !f.equals("contextHashes")) {
                    throw new dev.berth.core.error.InvalidRequestException("buildInfo." + f + ": unknown field; "
                            + "buildInfo has dockerfileContent and contextHashes");
                }
            }
        }
        try {
            return json.treeToValue(body, CreateSnapshotRequest.class);
        } catch (tools.jackson.core.JacksonException e) {
            throw new dev.berth.core.error.InvalidRequestException("body: " + e.getOriginalMessage());
        }
    }

    /** A Dockerfile and the hashes of the build contexts the client uploaded to object storage. */
    public record BuildInfo(String dockerfileContent, List<String> contextHashes) {
    }
}
