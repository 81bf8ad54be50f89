package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.Resources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many threads place from (often stale) views and reserve through one ledger: whatever they
 * believed, what they hold on a runner never exceeds its capacity.
 */
class ConcurrentPlacementTest {

    private static final List<Resources> SIZES = List.of(new Resources(1, 1, 3), new Resources(2, 4, 10),
            new Resources(4, 8, 20), new Resources(1, 2, 5));

    /** Fifty generated fleets of 1 to 12 runners, 8 threads each making 150 attempts. */
    @Test
    void concurrentReservationsNeverOvercommitARunner() {
        record Case(List<RunnerResources> capacities, double overcommit, long seed) {
        }
        Cases.forAll(50, r -> new Case(Fleets.capacities(r), Fleets.overcommit(r), r.nextLong()),
                c -> run(c.capacities(), c.overcommit(), 8, 150, c.seed()));
    }

    @Test
    void sixteenThreadsOnASmallFleet() throws InterruptedException {
        List<RunnerResources> capacities = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            capacities.add(new RunnerResources(8, 16, 100, 6));
        }
        int reserved = run(capacities, 1.0, 16, 2000, 7);
        assertThat(reserved).isGreaterThan(60);
    }

    /** Returns how many reservations succeeded in total. */
    private static int run(List<RunnerResources> capacities, double overcommit, int threads, int attempts, long seed)
            throws InterruptedException {
        List<RunnerView> fleet = new ArrayList<>();
        RunnerLedger ledger = new RunnerLedger(overcommit);
        for (int i = 0; i < capacities.size(); i++) {
            RunnerView v = Fleets.runner("r" + i, "eu", "default", capacities.get(i));
            fleet.add(v);
            ledger.register(v.id(), v.capacity(), RunnerResources.NONE);
        }
        PlacementPolicy policy = new PlacementPolicy(PlacementWeights.DEFAULT, overcommit, 3, 0.05);
        Map<RunnerId, List<Resources>> held = new ConcurrentHashMap<>();
        AtomicInteger reservations = new AtomicInteger();
        List<Throwable> failures = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    List<Map.Entry<RunnerId, Resources>> mine = new ArrayList<>();
                    List<RunnerView> view = fleet;
                    for (int a = 0; a < attempts; a++) {
                        if (a % 5 == 0) { // refresh only now and then: stale views are the point
                            view = fleet.stream().map(v -> v.withAllocated(ledger.allocated(v.id()).orElseThrow()))
                                    .toList();
                        }
                        if (!mine.isEmpty() && random.nextInt(5) == 0) {
                            var gone = mine.remove(random.nextInt(mine.size()));
                            held.get(gone.getKey()).remove(gone.getValue());
                            ledger.release(gone.getKey(), gone.getValue());
                            continue;
                        }
                        Resources size = SIZES.get(random.nextInt(SIZES.size()));
                        var request = new PlacementRequest(size, Fleets.SNAPSHOTS.get(0), "eu", null);
                        if (policy.place(request, view, random) instanceof Placement.Placed p
                                && ledger.tryReserve(p.runnerId(), size)) {
                            held.computeIfAbsent(p.runnerId(), k -> Collections.synchronizedList(
                                    new ArrayList<>())).add(size);
                            mine.add(Map.entry(p.runnerId(), size));
                            reservations.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                } finally {
                    done.countDown();
                }
            });
            worker.start();
        }
        start.countDown();
        assertThat(done.await(60, TimeUnit.SECONDS)).as("workers finished").isTrue();
        assertThat(failures).isEmpty();

        for (RunnerView v : fleet) {
            RunnerResources sum = RunnerResources.NONE;
            for (Resources r : held.getOrDefault(v.id(), List.of())) {
                sum = sum.plus(r);
            }
            RunnerResources cap = v.capacity();
            assertThat((double) sum.cpu()).isLessThanOrEqualTo(cap.cpu() * overcommit);
            assertThat(sum.memoryGiB()).isLessThanOrEqualTo(cap.memoryGiB());
            assertThat(sum.diskGiB()).isLessThanOrEqualTo(cap.diskGiB());
            assertThat(sum.sandboxes()).isLessThanOrEqualTo(cap.sandboxes());
            assertThat(ledger.allocated(v.id())).contains(sum);
        }
        return reservations.get();
    }
}
