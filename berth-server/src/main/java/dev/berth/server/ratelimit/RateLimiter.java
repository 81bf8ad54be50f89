package dev.berth.server.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process token buckets, one per API key (or user) and one per organization. A request takes
 * a token from both; if the organization's bucket is empty the key's token is given back, so a
 * refused request costs nothing. With N control-plane replicas each holds its own buckets, so
 * the effective limit is N times the configured one; a Redis-backed bucket is the way to share
 * them (future work).
 */
class RateLimiter {

    private final RateLimitProperties props;
    private final TimeMeter time;
    private final Map<String, Bucket> callers = new ConcurrentHashMap<>();
    private final Map<String, Bucket> orgs = new ConcurrentHashMap<>();

    RateLimiter(RateLimitProperties props, TimeMeter time) {
        this.props = props;
        this.time = time;
    }

    /**
     * @param apiKeyId       the key used, or null (then {@code userId} is limited instead)
     * @param organizationId the organization acting in, or null
     */
    RateLimitDecision tryAcquire(String apiKeyId, String userId, String organizationId) {
        RateLimitDecision.Scope scope = apiKeyId != null ? RateLimitDecision.Scope.API_KEY : RateLimitDecision.Scope.USER;
        String callerId = apiKeyId != null ? apiKeyId : userId;
        Bucket callerBucket = callerId == null ? null
                : callers.computeIfAbsent(scope + ":" + callerId, k -> bucket(props.perKeyPerSecond(), props.keyCapacity()));
        if (callerBucket != null) {
            ConsumptionProbe probe = callerBucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return refused(scope, props.perKeyPerSecond(), probe);
            }
        }
        if (organizationId != null) {
            Bucket orgBucket = orgs.computeIfAbsent(organizationId,
                    k -> bucket(props.perOrgPerSecond(), props.orgCapacity()));
            ConsumptionProbe probe = orgBucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                if (callerBucket != null) {
                    callerBucket.addTokens(1);
                }
                return refused(RateLimitDecision.Scope.ORGANIZATION, props.perOrgPerSecond(), probe);
            }
        }
        return RateLimitDecision.ALLOWED;
    }

    private static RateLimitDecision refused(RateLimitDecision.Scope scope, long perSecond, ConsumptionProbe probe) {
        return new RateLimitDecision(scope, perSecond, RateLimitDecision.secondsRoundedUp(probe.getNanosToWaitForRefill()));
    }

    private Bucket bucket(long perSecond, long capacity) {
        return Bucket.builder()
                .addLimit(l -> l.capacity(capacity).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .build();
    }
}
