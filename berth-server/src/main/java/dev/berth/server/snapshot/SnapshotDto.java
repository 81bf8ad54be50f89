package dev.berth.server.snapshot;

import java.util.List;

/** A snapshot on the wire, as the Daytona SDK reads it (note {@code mem}, not {@code memory}). */
public record SnapshotDto(String id, String organizationId, boolean general, String name, String imageName,
        String state, Long size, List<String> entrypoint, int cpu, int gpu, int mem, int disk, String errorReason,
        String createdAt, String updatedAt, String lastUsedAt, BuildInfo buildInfo, List<String> regionIds,
        String ref, String sourceSandboxId, List<RunnerCopy> runners) {

    public record BuildInfo(String dockerfileContent, List<String> contextHashes, String createdAt, String updatedAt,
            String snapshotRef) {
    }

    /** Where the snapshot's image is: one entry per runner that holds it, pulls it or failed to. */
    public record RunnerCopy(String runnerId, String state, String errorReason) {
    }

    public record Page(List<SnapshotDto> items, long total, int page, int totalPages) {
    }
}
