package dev.berth.server.event;

import java.time.Instant;

/** One handler's outcome for one event, as recorded in {@code event_delivery}. */
record Delivery(String handler, State state, int attempts, String lastError, Instant nextAttemptAt) {

    enum State {
        DONE("done"), FAILED("failed"), PARKED("parked");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }

        static State of(String wireName) {
            for (State s : values()) {
                if (s.wireName.equals(wireName)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown delivery state '" + wireName + "'");
        }
    }

    /** Still to be run at or after {@link #nextAttemptAt}. */
    boolean pending() {
        return state == State.FAILED;
    }
}
