package dev.berth.server.sandbox;

import java.util.List;
import java.util.Map;

/**
 * Body of POST /api/sandbox, as the Daytona SDK sends it. Every field is optional. Maps are read
 * as {@code Object} values so a non-string label or env value is rejected instead of coerced.
 */
public record CreateSandboxRequest(
        String name,
        String snapshot,
        String user,
        Map<String, Object> env,
        Map<String, Object> labels,
        Boolean isPublic,
        Boolean networkBlockAll,
        String networkAllowList,
        String domainAllowList,
        String target,
        Integer cpu,
        Integer gpu,
        Integer memory,
        Integer disk,
        Integer autoStopInterval,
        Integer autoPauseInterval,
        Integer autoArchiveInterval,
        Integer autoDeleteInterval,
        Integer ttlMinutes,
        List<Object> volumes,
        Map<String, Object> buildInfo) {

    /** A request that leaves every field out: each takes its default (an empty body, or none at all). */
    public static CreateSandboxRequest defaults() {
        return new CreateSandboxRequest(null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
    }
}
