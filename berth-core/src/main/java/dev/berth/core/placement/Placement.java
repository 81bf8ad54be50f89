package dev.berth.core.placement;

import java.util.Objects;

/** The outcome of placing one sandbox. */
public sealed interface Placement {

    /** The chosen runner and its score (0..1, higher is better). */
    record Placed(RunnerId runnerId, double score) implements Placement {
        public Placed {
            Objects.requireNonNull(runnerId, "runnerId");
        }
    }

    /**
     * No runner qualified. {@code constraint} is the filter that left none; {@code message} says
     * which and what there is instead, for a person to act on.
     */
    record Rejected(PlacementConstraint constraint, String message) implements Placement {
        public Rejected {
            Objects.requireNonNull(constraint, "constraint");
            Objects.requireNonNull(message, "message");
        }
    }
}
