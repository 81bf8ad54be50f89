package dev.berth.server.warmpool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * Warm-pool meters, per replica (a metrics backend sums replicas): {@code berth.warmpool.claims} by result
 * ({@code hit}; {@code empty}: a pool matched but had nothing ready; {@code none}: no pool matched),
 * {@code berth.warmpool.claim.latency} (the claim transaction of a hit), and {@code berth.warmpool.size}: the
 * ready sandboxes of each pool at this replica's last decision about it.
 */
@Component
public class WarmPoolMetrics {

    private final MeterRegistry registry;
    private final Timer claimLatency;
    private final Map<String, Size> sizes = new ConcurrentHashMap<>();

    public WarmPoolMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.claimLatency = Timer.builder("berth.warmpool.claim.latency").description("claim transaction of a hit")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    void claimed(String poolId, Duration took) {
        counter("hit", poolId).increment();
        claimLatency.record(took);
    }

    void empty(String poolId) {
        counter("empty", poolId).increment();
    }

    void noPool() {
        counter("none", "").increment();
    }

    private Counter counter(String result, String poolId) {
        return Counter.builder("berth.warmpool.claims").tag("result", result).tag("pool", poolId).register(registry);
    }

    void size(String poolId, int ready) {
        sizes.computeIfAbsent(poolId, id -> {
            AtomicInteger value = new AtomicInteger();
            Gauge gauge = Gauge.builder("berth.warmpool.size", value, AtomicInteger::get).tag("pool", id)
                    .description("ready sandboxes of the pool at this replica's last decision").register(registry);
            return new Size(value, gauge);
        }).value().set(ready);
    }

    void forget(String poolId) {
        Size s = sizes.remove(poolId);
        if (s != null) {
            registry.remove(s.gauge());
        }
    }

    private record Size(AtomicInteger value, Gauge gauge) {
    }
}
