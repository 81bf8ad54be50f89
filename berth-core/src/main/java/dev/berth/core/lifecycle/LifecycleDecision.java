package dev.berth.core.lifecycle;

import java.time.Instant;

/**
 * What the lifecycle policy asks for one sandbox.
 *
 * @param action    what to do now
 * @param rule      which policy asks for it (null for NONE/PROBE/TOUCH)
 * @param reason    why, as the sandbox's DTO and the audit record say it (null for NONE/PROBE/TOUCH)
 * @param nextCheck when the next decision may change anything (null: nothing is pending)
 */
public record LifecycleDecision(Action action, Rule rule, String reason, Instant nextCheck) {

    /** The policy behind an action: its name is the audit actor ({@code policy:<name>}) and the trigger. */
    public enum Rule {
        AUTO_STOP("auto-stop"), AUTO_PAUSE("auto-pause"), AUTO_ARCHIVE("auto-archive"), AUTO_DELETE("auto-delete"),
        TTL("ttl"), BACKUP("backup");

        private final String wireName;

        Rule(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    public enum Action {
        /** Nothing due. */
        NONE,
        /** An idle deadline passed: ask the sandbox's agent whether a toolbox command still runs, then decide again. */
        PROBE,
        /** A toolbox command still runs past the deadline: count it as activity now. */
        TOUCH,
        STOP,
        PAUSE,
        ARCHIVE,
        DELETE,
        /** Commit a running sandbox's files to its backup image (it keeps running). */
        BACKUP
    }

    static LifecycleDecision none(Instant next) {
        return new LifecycleDecision(Action.NONE, null, null, next);
    }

    static LifecycleDecision act(Action action, Rule rule, String reason) {
        return new LifecycleDecision(action, rule, reason, null);
    }
}
