package dev.berth.server.warmpool;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Warm pools ({@code berth.warm-pools}).
 *
 * @param system          the system pool Berth keeps for every organization (see {@link SystemPool})
 * @param reservedShare   the share of a region's sandbox slots (runners' max sandboxes) unclaimed pool sandboxes
 *                        may take together; a pool beyond it waits with an error saying so
 * @param parallelCreates most sandboxes of one pool being started at once
 * @param rateWindow      the window over which claims are counted to size auto-sized pools
 * @param maxPool         the largest size an organization may give a pool
 * @param refillDelay     how long after a claim its pool is refilled (0: at once); the claimer's first commands
 *                        run meanwhile without a container start competing for the host's cores
 */
@ConfigurationProperties("berth.warm-pools")
public record WarmPoolProperties(
        @DefaultValue SystemPool system,
        @DefaultValue("0.5") double reservedShare,
        @DefaultValue("4") int parallelCreates,
        @DefaultValue("1m") Duration rateWindow,
        @DefaultValue("100") int maxPool,
        @DefaultValue("250ms") Duration refillDelay) {

    /**
     * The system pool of embedded and cluster mode: sandboxes of {@code snapshot} (empty: the default snapshot)
     * in {@code target} (empty: Berth's region while a runner is registered there, else as
     * {@link dev.berth.core.warmpool.SystemPoolPolicy} says) with default resources, between {@code min} and
     * {@code max} by the recent claim rate. {@code max: 0} keeps no system pool (drains one kept before, then
     * deletes it).
     */
    public record SystemPool(String snapshot, String target, @DefaultValue("1") int min, @DefaultValue("3") int max) {
    }
}
