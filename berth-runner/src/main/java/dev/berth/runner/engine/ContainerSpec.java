package dev.berth.runner.engine;

import java.util.List;
import java.util.Map;

/** One request to create a sandbox container, with every limit the engine must enforce. */
public record ContainerSpec(
        String name,
        String image,
        List<String> entrypoint,
        List<String> cmd,
        Map<String, String> env,
        Map<String, String> labels,
        long nanoCpus,
        long memoryBytes,
        long pidsLimit,
        List<String> capAdd,
        List<Mount> mounts,
        String user,
        String hostname,
        String networkMode) {

    public ContainerSpec {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = env == null ? Map.of() : Map.copyOf(env);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    /** A bind mount from the runner host into the container. */
    public record Mount(String hostPath, String containerPath, boolean readOnly) {
    }
}
