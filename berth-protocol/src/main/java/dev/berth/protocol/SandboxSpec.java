package dev.berth.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * What the control plane asks a runner to create: one sandbox container with its limits.
 * {@code entrypoint} is the snapshot's entrypoint (empty: none), run by the sandbox's agent as its main process.
 * Sizes are in bytes and CPU in nano-cpus (1,000,000,000 = one core), so no unit conversion happens on the runner.
 */
public record SandboxSpec(
        String sandboxId,
        String organizationId,
        String imageRef,
        long nanoCpus,
        long memoryBytes,
        long diskBytes,
        long pidsLimit,
        String user,
        Map<String, String> env,
        java.util.List<String> entrypoint,
        boolean networkBlockAll,
        String networkAllowList,
        String domainAllowList) {

    /** A spec with the default network policy (what a runner of an older control plane receives). */
    public SandboxSpec(String sandboxId, String organizationId, String imageRef, long nanoCpus, long memoryBytes,
            long diskBytes, long pidsLimit, String user, Map<String, String> env, java.util.List<String> entrypoint) {
        this(sandboxId, organizationId, imageRef, nanoCpus, memoryBytes, diskBytes, pidsLimit, user, env, entrypoint,
                false, null, null);
    }


    public SandboxSpec {
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(imageRef, "imageRef");
        env = env == null ? Map.of() : Map.copyOf(env);
        entrypoint = entrypoint == null ? java.util.List.of() : java.util.List.copyOf(entrypoint);
    }
}
