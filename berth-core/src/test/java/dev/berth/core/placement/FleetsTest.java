package dev.berth.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The generators keep the edge-case bias the properties rely on: over the cases a property sees, each
 * edge below shows up. A generator that lost one would let the properties pass without exercising it.
 */
class FleetsTest {

    @Test
    void generatedCasesCoverTheEdgeCases() {
        Set<String> seen = new HashSet<>();
        Set<RunnerHealth> health = EnumSet.noneOf(RunnerHealth.class);
        Set<String> regions = new HashSet<>();
        Set<String> classes = new HashSet<>();
        Set<Double> overcommits = new HashSet<>();
        SplittableRandom seeds = new SplittableRandom(Cases.DEFAULT_SEED);
        for (int i = 0; i < 1_000; i++) {
            SplittableRandom r = new SplittableRandom(seeds.nextLong());
            List<RunnerView> fleet = Fleets.fleet(r);
            PlacementRequest q = Fleets.request(r, fleet);
            overcommits.add(Fleets.overcommit(r));
            regions.add(Objects.toString(q.region()));
            classes.add(Objects.toString(q.runnerClass()));
            if (fleet.isEmpty()) {
                seen.add("empty fleet");
            }
            if (fleet.size() == 1) {
                seen.add("one-runner fleet");
            }
            if (fleet.size() == Fleets.MAX_FLEET) {
                seen.add("largest fleet");
            }
            if (q.resources().cpu() == 0 && q.resources().memoryGiB() == 0 && q.resources().diskGiB() == 0) {
                seen.add("zero-size request");
            }
            for (RunnerView v : fleet) {
                health.add(v.health());
                RunnerResources c = v.capacity();
                RunnerResources a = v.allocated();
                if (a.equals(c)) {
                    seen.add("runner with nothing free");
                }
                if (a.equals(RunnerResources.NONE)) {
                    seen.add("empty runner");
                }
                if (a.cpu() > c.cpu() || a.memoryGiB() > c.memoryGiB() || a.diskGiB() > c.diskGiB()
                        || a.sandboxes() > c.sandboxes()) {
                    seen.add("runner allocated past capacity");
                }
                if (c.sandboxes() == 1 || c.cpu() == 1) {
                    seen.add("capacity of one");
                }
                if (c.sandboxes() == 40 && c.cpu() == 64 || c.memoryGiB() == 256 && c.diskGiB() == 500) {
                    seen.add("largest capacity");
                }
                if (v.snapshots().isEmpty() && !v.canPull()) {
                    seen.add("runner that cannot get the snapshot");
                }
                if (a.cpu() + q.resources().cpu() == c.cpu() && a.memoryGiB() + q.resources().memoryGiB()
                        == c.memoryGiB() && a.diskGiB() + q.resources().diskGiB() == c.diskGiB()) {
                    seen.add("request exactly filling a runner");
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("empty fleet", "one-runner fleet", "largest fleet",
                "zero-size request", "runner with nothing free", "empty runner", "runner allocated past capacity",
                "capacity of one", "largest capacity", "runner that cannot get the snapshot",
                "request exactly filling a runner");
        assertThat(health).containsExactlyInAnyOrder(RunnerHealth.values());
        assertThat(regions).containsExactlyInAnyOrder("null", "eu", "us", "ap", "mars");
        assertThat(classes).containsExactlyInAnyOrder("null", "small", "default", "gpu");
        assertThat(overcommits).containsExactlyInAnyOrderElementsOf(Fleets.OVERCOMMITS);
    }
}
