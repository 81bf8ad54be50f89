package dev.berth.server.ratelimit;

/**
 * Whether a request may proceed; when not, which limit it hit and when to retry.
 *
 * @param scope             the limit that was hit, null when allowed
 * @param limitPerSecond    that limit's sustained rate
 * @param retryAfterSeconds whole seconds until a token is available again (at least 1)
 */
record RateLimitDecision(Scope scope, long limitPerSecond, long retryAfterSeconds) {

    enum Scope {
        API_KEY("API key"),
        USER("user"),
        ORGANIZATION("organization");

        private final String label;

        Scope(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    static final RateLimitDecision ALLOWED = new RateLimitDecision(null, 0, 0);

    boolean allowed() {
        return scope == null;
    }

    String message() {
        return "rate limit of " + limitPerSecond + " requests per second per " + scope.label()
                + " exceeded; retry after " + retryAfterSeconds + "s";
    }

    static long secondsRoundedUp(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }
}
