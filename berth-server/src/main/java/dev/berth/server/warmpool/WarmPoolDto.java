package dev.berth.server.warmpool;

import java.util.Map;

/** The Daytona {@code WarmPool} object. {@code organizationId} of a system pool is {@code berth-system}. */
public record WarmPoolDto(String id, String organizationId, String snapshot, String target, int pool, int currentSize,
        int cpu, int mem, int disk, String osUser, Map<String, String> env, String errorReason, String createdAt,
        String updatedAt) {
}
