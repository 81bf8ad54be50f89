package dev.berth.server.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RunnerLocksTest {

    // host H1 = {r1, r3} (anchor r1), host H2 = {r2} (anchor r2), r4 names no host
    private static final Map<String, String> ANCHORS = Map.of("r1", "r1", "r2", "r2", "r3", "r1");
    private static final Function<String, Optional<String>> ANCHOR_OF = id -> Optional.ofNullable(ANCHORS.get(id));

    @Test
    void theAnchorOfALaterRunnerIsLockedBeforeAnEarlierRunner() {
        // one runner at a time this was r2, then r1 (r3's anchor), then r3: out of order against {r1, r2}
        assertThat(RunnerLocks.lockOrder(List.of("r3", "r2"), ANCHOR_OF)).containsExactly("r1", "r2", "r3");
        assertThat(RunnerLocks.lockOrder(List.of("r2", "r1"), ANCHOR_OF)).containsExactly("r1", "r2");
    }

    @Test
    void eachRowIsLockedOnceAndRunnersWithoutAHostNeedNoAnchor() {
        assertThat(RunnerLocks.lockOrder(List.of("r3", "r1", "r3", "r4"), ANCHOR_OF))
                .containsExactly("r1", "r3", "r4");
        assertThat(RunnerLocks.lockOrder(List.of("r4"), ANCHOR_OF)).containsExactly("r4");
    }

    @Test
    void everyChoiceOfRunnersIsLockedInOneGlobalOrder() {
        // no circular wait is possible when every transaction takes its rows in ascending order
        List<Set<String>> choices = List.of(Set.of("r1"), Set.of("r2"), Set.of("r3"), Set.of("r2", "r3"),
                Set.of("r1", "r2"), Set.of("r3", "r4"), Set.of("r1", "r2", "r3", "r4"));
        for (Set<String> choice : choices) {
            List<String> order = RunnerLocks.lockOrder(choice, ANCHOR_OF);
            assertThat(order).as("rows for %s", choice).isSorted().doesNotHaveDuplicates().containsAll(choice);
        }
    }
}
