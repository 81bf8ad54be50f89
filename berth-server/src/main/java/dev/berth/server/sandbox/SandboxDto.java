package dev.berth.server.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The Daytona {@code Sandbox} DTO. {@code env} is present (the SDK treats its presence as "full
 * DTO"); list items leave it out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxDto(
        String id,
        String organizationId,
        String name,
        String snapshot,
        String user,
        Map<String, String> env,
        Map<String, String> labels,
        @JsonProperty("public") boolean isPublic,
        boolean networkBlockAll,
        String networkAllowList,
        String domainAllowList,
        String target,
        int cpu,
        int gpu,
        int memory,
        int disk,
        String state,
        String desiredState,
        String errorReason,
        Boolean recoverable,
        String stateReason,
        int autoStopInterval,
        int autoPauseInterval,
        int autoArchiveInterval,
        int autoDeleteInterval,
        String autoDestroyAt,
        List<Object> volumes,
        String createdAt,
        String updatedAt,
        String lastActivityAt,
        String runnerId,
        String toolboxProxyUrl,
        String sandboxClass,
        String daemonVersion,
        String warmPoolId,
        String backupState,
        String backupCreatedAt) {
}
