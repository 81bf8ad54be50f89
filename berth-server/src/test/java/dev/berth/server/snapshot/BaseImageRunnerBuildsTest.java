package dev.berth.server.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BaseImageRunnerBuildsTest {

    @Test
    void aFailedBuildIsTriedAgainAfter30SecondsDoublingToAtMostTenMinutes() {
        assertThat(BaseImageRunnerBuilds.retryAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(BaseImageRunnerBuilds.retryAfter(2)).isEqualTo(Duration.ofSeconds(60));
        assertThat(BaseImageRunnerBuilds.retryAfter(3)).isEqualTo(Duration.ofSeconds(120));
        assertThat(BaseImageRunnerBuilds.retryAfter(5)).isEqualTo(Duration.ofSeconds(480));
        assertThat(BaseImageRunnerBuilds.retryAfter(6)).isEqualTo(Duration.ofMinutes(10));
        assertThat(BaseImageRunnerBuilds.retryAfter(1000)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theBuilderIsTheLowestReadyIdAndAfterAFailureTheNextOne() {
        assertThat(BaseImageRunnerBuilds.pickBuilder(java.util.List.of(), null)).isEmpty();
        assertThat(BaseImageRunnerBuilds.pickBuilder(java.util.List.of("r3", "r1", "r2"), null)).contains("r1");
        // r1 failed: r2 gets the next try, then r3, then round again
        assertThat(BaseImageRunnerBuilds.pickBuilder(java.util.List.of("r3", "r1", "r2"), "r1")).contains("r2");
        assertThat(BaseImageRunnerBuilds.pickBuilder(java.util.List.of("r3", "r1", "r2"), "r3")).contains("r1");
        // the runner that failed is gone: the next id after it
        assertThat(BaseImageRunnerBuilds.pickBuilder(java.util.List.of("r1", "r3"), "r2")).contains("r3");
        // alone, a failed runner is tried again (after the back-off)
        assertThat(BaseImageRunnerBuilds.pickBuilder(java.util.List.of("r1"), "r1")).contains("r1");
    }

    @Test
    void aRunnersErrorTextIsBoundedAndFlat() {
        assertThat(BaseImageRunnerBuilds.bounded("x".repeat(10_000))).hasSize(501).endsWith("…");
        assertThat(BaseImageRunnerBuilds.bounded("line1\nline2\u001b[31m")).doesNotContain("\n").doesNotContain("\u001b");
        assertThat(BaseImageRunnerBuilds.bounded(null)).isEmpty();
    }
}
