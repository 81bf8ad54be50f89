package dev.berth.runner.engine;

import java.util.List;

/**
 * One image as the engine describes it.
 *
 * @param sizeBytes  its size with all its layers
 * @param entrypoint its configured entrypoint followed by its command (empty when it has none)
 * @param layers     the digests of its layers, lowest first
 * @param onBuild    its ONBUILD triggers (run by any build FROM it)
 */
public record ImageInfo(String id, long sizeBytes, String os, String architecture, List<String> entrypoint,
        List<String> layers, List<String> onBuild) {

    public ImageInfo {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        layers = layers == null ? List.of() : List.copyOf(layers);
        onBuild = onBuild == null ? List.of() : List.copyOf(onBuild);
    }
}
