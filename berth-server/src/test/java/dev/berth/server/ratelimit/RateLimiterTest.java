package dev.berth.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    /** A clock the test advances by hand. */
    static final class FakeTime implements TimeMeter {
        long nanos;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private final FakeTime time = new FakeTime();

    @Test
    void allowsTheBurstThenRefusesWithRetryAfterRoundedUp() {
        var limiter = new RateLimiter(new RateLimitProperties(true, 5, 1000, 2), time);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).as("call %d", i).isTrue();
        }
        RateLimitDecision refused = limiter.tryAcquire("k1", null, "o1");
        assertThat(refused.scope()).isEqualTo(RateLimitDecision.Scope.API_KEY);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1); // 200ms to the next token, rounded up
        assertThat(refused.message()).isEqualTo("rate limit of 5 requests per second per API key exceeded; retry after 1s");

        time.advance(Duration.ofMillis(200));
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isFalse();
    }

    @Test
    void keysAreLimitedSeparately() {
        var limiter = new RateLimiter(new RateLimitProperties(true, 1, 1000, 1), time);
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isFalse();
        assertThat(limiter.tryAcquire("k2", null, "o1").allowed()).isTrue();
    }

    @Test
    void organizationLimitSpansKeysAndRefundsTheKeyToken() {
        var limiter = new RateLimiter(new RateLimitProperties(true, 2, 3, 1), time);
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k2", null, "o1").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k3", null, "o1").allowed()).isTrue();
        RateLimitDecision refused = limiter.tryAcquire("k1", null, "o1");
        assertThat(refused.scope()).isEqualTo(RateLimitDecision.Scope.ORGANIZATION);
        assertThat(refused.message()).contains("per organization");
        assertThat(limiter.tryAcquire("k4", null, "o2").allowed()).isTrue();

        time.advance(Duration.ofSeconds(1)); // org refills 3; k1 still holds the token given back
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k1", null, "o1").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k1", null, "o1").scope()).isEqualTo(RateLimitDecision.Scope.API_KEY);
    }

    @Test
    void callersWithoutAKeyAreLimitedPerUser() {
        var limiter = new RateLimiter(new RateLimitProperties(true, 1, 1000, 1), time);
        assertThat(limiter.tryAcquire(null, "u1", "o1").allowed()).isTrue();
        RateLimitDecision refused = limiter.tryAcquire(null, "u1", "o1");
        assertThat(refused.scope()).isEqualTo(RateLimitDecision.Scope.USER);
        assertThat(refused.message()).contains("per user");
    }

    @Test
    void retryAfterIsWholeSecondsAtLeastOne() {
        assertThat(RateLimitDecision.secondsRoundedUp(0)).isEqualTo(1);
        assertThat(RateLimitDecision.secondsRoundedUp(1_000_000_000L)).isEqualTo(1);
        assertThat(RateLimitDecision.secondsRoundedUp(1_000_000_001L)).isEqualTo(2);
    }

    @Test
    void burstIsTheRateTimesTheMultiplier() {
        assertThat(new RateLimitProperties(true, 100, 400, 2).keyCapacity()).isEqualTo(200);
        assertThat(new RateLimitProperties(true, 5, 400, 1.5).keyCapacity()).isEqualTo(8);
        assertThat(new RateLimitProperties(true, 5, 400, 2).orgCapacity()).isEqualTo(800);
    }
}
