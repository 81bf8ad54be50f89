package dev.berth.server.ratelimit;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Request rate limits on /api (health and config exempt), as token buckets refilled greedily.
 * The defaults are far above what one SDK client or the test suite does (a tight exec loop
 * runs ~200 calls/s through one key), so they only stop runaway clients. Env: BERTH_RATE_LIMIT_PER_KEY_PER_SECOND, ...
 *
 * @param enabled           false turns rate limiting off
 * @param perKeyPerSecond   sustained requests per second of one API key (or, without a key, one user)
 * @param perOrgPerSecond   sustained requests per second of one organization, all its keys together
 * @param burstMultiplier   bucket capacity as a multiple of the per-second rate (2 = two seconds' worth)
 */
@Validated
@ConfigurationProperties("berth.rate-limit")
public record RateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500") @Min(1) long perKeyPerSecond,
        @DefaultValue("1000") @Min(1) long perOrgPerSecond,
        @DefaultValue("2") @DecimalMin("1.0") double burstMultiplier) {

    long keyCapacity() {
        return capacity(perKeyPerSecond);
    }

    long orgCapacity() {
        return capacity(perOrgPerSecond);
    }

    private long capacity(long perSecond) {
        return Math.max(perSecond, (long) Math.ceil(perSecond * burstMultiplier));
    }
}
