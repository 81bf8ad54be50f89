package dev.berth.core.warmpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.warmpool.WarmPoolSizer.Observed;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WarmPoolSizerTest {

    private static final Instant NOW = Instant.parse("2026-12-04T08:00:00Z");
    private final WarmPoolSizer sizer = new WarmPoolSizer(4);

    private static Observed pool(int min, int max, int ready, int creating, long claims) {
        return new Observed(min, max, ready, creating, 0, null, null, claims, 1000, null, 0, null);
    }

    @Test
    void theTargetFollowsTheRecentClaimRateBetweenTheBounds() {
        assertThat(sizer.decide(pool(1, 5, 0, 0, 0), NOW).target()).isEqualTo(1);
        assertThat(sizer.decide(pool(1, 5, 0, 0, 3), NOW).target()).isEqualTo(3);
        assertThat(sizer.decide(pool(1, 5, 0, 0, 40), NOW).target()).isEqualTo(5);
        assertThat(sizer.decide(pool(7, 7, 0, 0, 0), NOW).target()).isEqualTo(7);
    }

    @Test
    void aShortPoolStartsWhatIsMissingAtMostParallelCreatesAtATime() {
        var d = sizer.decide(pool(10, 10, 3, 1, 0), NOW);
        assertThat(d.create()).isEqualTo(3); // 4 in flight at most, 1 already is
        assertThat(d.remove()).isZero();
        assertThat(d.error()).isNull();
        assertThat(sizer.decide(pool(2, 2, 1, 0, 0), NOW).create()).isEqualTo(1);
        assertThat(sizer.decide(pool(2, 2, 2, 0, 0), NOW).create()).isZero();
    }

    @Test
    void aSurplusOfReadySandboxesIsRemovedButNotOnesStillStarting() {
        var d = sizer.decide(pool(1, 5, 4, 0, 2), NOW);
        assertThat(d.remove()).isEqualTo(2);
        assertThat(d.create()).isZero();
        assertThat(sizer.decide(pool(0, 0, 2, 1, 0), NOW).remove()).isEqualTo(2); // pool: 0 drains it
        assertThat(sizer.decide(pool(0, 0, 0, 2, 0), NOW).remove()).isZero();
    }

    @Test
    void failuresBackOffExponentiallyWithTheReasonAsThePoolsError() {
        var failed = new Observed(3, 3, 0, 0, 1, "image gone", null, 0, 1000, null, 2, null);
        var d = sizer.decide(failed, NOW);
        assertThat(d.failures()).isEqualTo(3);
        assertThat(d.retryAt()).isEqualTo(NOW.plusSeconds(4));
        assertThat(d.create()).isZero();
        assertThat(d.lookAgain()).isEqualTo(Duration.ofSeconds(4));
        assertThat(d.error()).contains("3 times in a row").contains("image gone");
        // after the deadline it tries again, still reporting the failures
        var later = new Observed(3, 3, 0, 0, 0, null, null, 0, 1000, null, 3, NOW.plusSeconds(4));
        var again = sizer.decide(later, NOW.plusSeconds(5));
        assertThat(again.create()).isEqualTo(3);
        assertThat(again.error()).contains("3 times");
        assertThat(WarmPoolSizer.backoff(30)).isEqualTo(WarmPoolSizer.MAX_BACKOFF);
    }

    @Test
    void aMemberThatStartedAfterTheLastFailureClearsTheError() {
        Instant retryAt = NOW.minusSeconds(10); // failure 2 at retryAt - 2 s
        var o = new Observed(2, 2, 1, 0, 0, null, retryAt.plusSeconds(1), 0, 1000, null, 2, retryAt);
        var d = sizer.decide(o, NOW);
        assertThat(d.failures()).isZero();
        assertThat(d.retryAt()).isNull();
        assertThat(d.error()).isNull();
        assertThat(d.create()).isEqualTo(1);
    }

    @Test
    void aPoolThatCannotGrowSaysWhyAndLooksAgainLater() {
        var noRoom = new Observed(3, 3, 1, 0, 0, null, null, 0, 0, null, 0, null);
        var d = sizer.decide(noRoom, NOW);
        assertThat(d.create()).isZero();
        assertThat(d.error()).contains("capacity reserved for warm pools");
        assertThat(d.lookAgain()).isEqualTo(WarmPoolSizer.BLOCKED_RECHECK);
        var limited = new Observed(5, 5, 0, 0, 0, null, null, 0, 2, null, 0, null);
        assertThat(sizer.decide(limited, NOW).create()).isEqualTo(2);
        var inactive = new Observed(3, 3, 0, 0, 0, null, null, 0, 10, "snapshot 'x' is not active", 0, null);
        assertThat(sizer.decide(inactive, NOW).error()).isEqualTo("snapshot 'x' is not active");
        assertThat(sizer.decide(inactive, NOW).create()).isZero();
    }
}
