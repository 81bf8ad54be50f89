package dev.berth.core.placement;

import java.util.Objects;

/** The image reference a sandbox starts from, e.g. {@code registry:5000/berth/python:3.12}. */
public record SnapshotRef(String value) {

    public SnapshotRef {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("snapshot ref must not be blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
