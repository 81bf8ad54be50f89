package dev.berth.core.placement;

import java.util.Objects;

/** A runner's identity, as it registered. */
public record RunnerId(String value) {

    public RunnerId {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("runner id must not be blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
