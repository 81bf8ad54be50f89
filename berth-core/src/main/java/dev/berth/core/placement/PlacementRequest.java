package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.Objects;

/**
 * One sandbox to place.
 *
 * @param region      the region it must run in, or null for any
 * @param runnerClass the runner class it must run on, or null for any
 */
public record PlacementRequest(Resources resources, SnapshotRef snapshot, String region, String runnerClass) {

    public PlacementRequest {
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(snapshot, "snapshot");
        if (resources.cpu() < 0 || resources.memoryGiB() < 0 || resources.diskGiB() < 0) {
            throw new IllegalArgumentException("requested resources must not be negative: " + resources);
        }
    }
}
