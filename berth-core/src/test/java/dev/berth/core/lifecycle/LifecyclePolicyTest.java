package dev.berth.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.lifecycle.LifecycleDecision.Action;
import dev.berth.core.sandbox.SandboxState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The lifecycle rules with a fake clock: every boundary is decided exactly at its instant and one second before. */
class LifecyclePolicyTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final LifecyclePolicy policy = new LifecyclePolicy(Duration.ofMinutes(1), Duration.ofDays(7), true, Duration.ZERO);

    private static LifecycleView started(int autoStop, int autoPause) {
        return new LifecycleView(SandboxState.STARTED, T0, T0, null, autoStop, autoPause, 0, -1, null, null, null);
    }

    private static LifecycleView stopped(int autoArchive, int autoDelete) {
        return new LifecycleView(SandboxState.STOPPED, T0, T0, null, 15, 0, autoArchive, autoDelete, null, null, null);
    }

    private static Instant at(Duration d) {
        return T0.plus(d);
    }

    @Test
    void idleSandboxIsProbedExactlyAtItsIntervalAndNotOneSecondBefore() {
        var v = started(15, 0);
        var before = policy.decide(v, at(Duration.ofMinutes(15).minusSeconds(1)));
        assertThat(before.action()).isEqualTo(Action.NONE);
        assertThat(before.nextCheck()).isEqualTo(at(Duration.ofMinutes(15)));
        assertThat(policy.decide(v, at(Duration.ofMinutes(15))).action()).isEqualTo(Action.PROBE);
    }

    @Test
    void idleAndNothingRunningStops() {
        var d = policy.decide(started(15, 0).withBusy(false), at(Duration.ofMinutes(15)));
        assertThat(d.action()).isEqualTo(Action.STOP);
        assertThat(d.reason()).startsWith("auto-stop: idle for 15 min");
    }

    @Test
    void aCommandRunningPastTheIntervalKeepsItAndCountsAsActivity() {
        var d = policy.decide(started(15, 0).withBusy(true), at(Duration.ofMinutes(40)));
        assertThat(d.action()).isEqualTo(Action.TOUCH);
        assertThat(d.nextCheck()).isEqualTo(at(Duration.ofMinutes(55)));
    }

    @Test
    void activityMovesTheDeadline() {
        var v = new LifecycleView(SandboxState.STARTED, T0, at(Duration.ofMinutes(10)), null, 15, 0, 0, -1, null, null, null);
        assertThat(policy.decide(v, at(Duration.ofMinutes(24))).action()).isEqualTo(Action.NONE);
        assertThat(policy.decide(v, at(Duration.ofMinutes(25))).action()).isEqualTo(Action.PROBE);
    }

    @Test
    void aTerminalHeldOpenIsActivityUpToNow() {
        // a held connection is stamped "now" at every flush: the view's last activity is recent however long it lasts
        var v = new LifecycleView(SandboxState.STARTED, T0, at(Duration.ofHours(5)), null, 15, 0, 0, -1, null, null, null);
        assertThat(policy.decide(v, at(Duration.ofHours(5).plusSeconds(5))).action()).isEqualTo(Action.NONE);
    }

    @Test
    void anIntervalChangedWhileIdleCountsFromTheChange() {
        // idle since T0; at +20 min the interval is set to 15: not stopped at once, but 15 min after the change
        var v = new LifecycleView(SandboxState.STARTED, T0, T0, at(Duration.ofMinutes(20)), 15, 0, 0, -1, null, null, null);
        assertThat(policy.decide(v, at(Duration.ofMinutes(21))).action()).isEqualTo(Action.NONE);
        assertThat(policy.decide(v, at(Duration.ofMinutes(35)).minusSeconds(1)).action()).isEqualTo(Action.NONE);
        assertThat(policy.decide(v, at(Duration.ofMinutes(35))).action()).isEqualTo(Action.PROBE);
    }

    @Test
    void autoStopZeroNeverStops() {
        assertThat(policy.decide(started(0, 0).withBusy(false), at(Duration.ofDays(30))).action()).isEqualTo(Action.NONE);
    }

    @Test
    void autoPauseReplacesAutoStop() {
        var d = policy.decide(started(0, 5).withBusy(false), at(Duration.ofMinutes(5)));
        assertThat(d.action()).isEqualTo(Action.PAUSE);
        assertThat(d.reason()).startsWith("auto-pause: idle for 5 min");
        assertThat(policy.decide(started(0, 5), at(Duration.ofMinutes(5)).minusSeconds(1)).action())
                .isEqualTo(Action.NONE);
    }

    @Test
    void aPausedSandboxIsLeftAloneButForItsTtl() {
        var v = new LifecycleView(SandboxState.PAUSED, T0, T0, null, 0, 5, 0, 0, null, null, null);
        assertThat(policy.decide(v, at(Duration.ofDays(3))).action()).isEqualTo(Action.NONE);
        var ttl = new LifecycleView(SandboxState.PAUSED, T0, T0, null, 0, 5, 0, 0, at(Duration.ofHours(1)), null, null);
        assertThat(policy.decide(ttl, at(Duration.ofHours(1))).action()).isEqualTo(Action.DELETE);
    }

    @Test
    void ephemeralIsDeletedAsSoonAsItStops() {
        var d = policy.decide(stopped(0, 0), T0);
        assertThat(d.action()).isEqualTo(Action.DELETE);
        assertThat(d.rule()).isEqualTo(LifecycleDecision.Rule.AUTO_DELETE);
        assertThat(d.reason()).contains("ephemeral");
    }

    @Test
    void autoDeleteAtItsIntervalAndNotOneSecondBefore() {
        var v = stopped(0, 60);
        assertThat(policy.decide(v, at(Duration.ofMinutes(60)).minusSeconds(1)).action()).isEqualTo(Action.NONE);
        assertThat(policy.decide(v, at(Duration.ofMinutes(60))).action()).isEqualTo(Action.DELETE);
    }

    @Test
    void negativeAutoDeleteNeverDeletes() {
        assertThat(policy.decide(stopped(0, -1), at(Duration.ofDays(6))).action()).isEqualTo(Action.NONE);
    }

    @Test
    void autoArchiveAtItsIntervalZeroMeaningTheMaximumAndCappedByIt() {
        assertThat(policy.decide(stopped(30, -1), at(Duration.ofMinutes(30)).minusSeconds(1)).action())
                .isEqualTo(Action.NONE);
        assertThat(policy.decide(stopped(30, -1), at(Duration.ofMinutes(30))).action()).isEqualTo(Action.ARCHIVE);
        assertThat(policy.decide(stopped(0, -1), at(Duration.ofDays(7)).minusSeconds(1)).action()).isEqualTo(Action.NONE);
        assertThat(policy.decide(stopped(0, -1), at(Duration.ofDays(7))).action()).isEqualTo(Action.ARCHIVE);
        assertThat(policy.decide(stopped(60 * 24 * 30, -1), at(Duration.ofDays(7))).action()).isEqualTo(Action.ARCHIVE);
    }

    @Test
    void deleteWinsOverArchiveWhenBothAreDue() {
        assertThat(policy.decide(stopped(10, 10), at(Duration.ofMinutes(10))).action()).isEqualTo(Action.DELETE);
    }

    @Test
    void withoutArchivingAStoppedSandboxIsNeverArchived() {
        var noArchive = new LifecyclePolicy(Duration.ofMinutes(1), Duration.ofDays(7), false, Duration.ZERO);
        assertThat(noArchive.decide(stopped(1, -1), at(Duration.ofDays(30))).action()).isEqualTo(Action.NONE);
    }

    @Test
    void anArchivedSandboxIsDeletedAfterItsDeleteInterval() {
        var v = new LifecycleView(SandboxState.ARCHIVED, T0, T0, null, 15, 0, 0, 120, null, null, null);
        assertThat(policy.decide(v, at(Duration.ofMinutes(120)).minusSeconds(1)).action()).isEqualTo(Action.NONE);
        assertThat(policy.decide(v, at(Duration.ofMinutes(120))).action()).isEqualTo(Action.DELETE);
    }

    @Test
    void ttlIsAnAbsoluteDeadlineWhateverTheActivity() {
        var v = new LifecycleView(SandboxState.STARTED, T0, at(Duration.ofMinutes(59)), null, 15, 0, 0, -1,
                at(Duration.ofMinutes(60)), null, true);
        var before = policy.decide(v, at(Duration.ofMinutes(60)).minusSeconds(1));
        assertThat(before.action()).isNotEqualTo(Action.DELETE);
        var d = policy.decide(v, at(Duration.ofMinutes(60)));
        assertThat(d.action()).isEqualTo(Action.DELETE);
        assertThat(d.rule()).isEqualTo(LifecycleDecision.Rule.TTL);
        assertThat(d.reason()).startsWith("ttl");
    }

    @Test
    void theNextCheckIsTheEarliestDeadline() {
        var v = new LifecycleView(SandboxState.STARTED, T0, T0, null, 15, 0, 0, -1, at(Duration.ofMinutes(5)), null, null);
        assertThat(policy.decide(v, at(Duration.ofMinutes(1))).nextCheck()).isEqualTo(at(Duration.ofMinutes(5)));
    }

    @Test
    void aTransitionalSandboxIsLeftToItsAction() {
        var v = new LifecycleView(SandboxState.STOPPING, T0, T0, null, 15, 0, 0, 0, T0, null, null);
        assertThat(policy.decide(v, at(Duration.ofDays(1))).action()).isEqualTo(Action.NONE);
    }

    @Test
    void aClockJumpingBackDecidesNothingAndOneJumpingAheadActsOnce() {
        var v = started(15, 0);
        assertThat(policy.decide(v, T0.minus(Duration.ofHours(3))).action()).isEqualTo(Action.NONE);
        // days ahead: the idle stop is due (once: the stop changes the state the next decision sees)
        assertThat(policy.decide(v.withBusy(false), at(Duration.ofDays(3))).action()).isEqualTo(Action.STOP);
        // a stopped one days ahead: delete and archive both due, delete wins
        assertThat(policy.decide(stopped(60, 120), at(Duration.ofDays(3))).action()).isEqualTo(Action.DELETE);
    }

    @Test
    void theMaximumMustBePositive() {
        assertThatThrownBy(() -> new LifecyclePolicy(Duration.ofMinutes(1), Duration.ZERO, true, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRunningSandboxIsBackedUpEveryIntervalWhenNothingElseIsDue() {
        var backups = new LifecyclePolicy(Duration.ofMinutes(1), Duration.ofDays(7), true, Duration.ofMinutes(30));
        var fresh = new LifecycleView(SandboxState.STARTED, T0, T0, null, 0, 0, 0, -1, null, null, null);
        assertThat(backups.decide(fresh, at(Duration.ofMinutes(30)).minusSeconds(1)).action()).isEqualTo(Action.NONE);
        assertThat(backups.decide(fresh, at(Duration.ofMinutes(30))).action()).isEqualTo(Action.BACKUP);
        var backedUp = new LifecycleView(SandboxState.STARTED, T0, T0, null, 0, 0, 0, -1, null,
                at(Duration.ofMinutes(30)), null);
        var next = backups.decide(backedUp, at(Duration.ofMinutes(31)));
        assertThat(next.action()).isEqualTo(Action.NONE);
        assertThat(next.nextCheck()).isEqualTo(at(Duration.ofMinutes(60)));
        // an idle stop due at the same time wins: a stopped sandbox keeps its files anyway
        var idle = new LifecycleView(SandboxState.STARTED, T0, T0, null, 30, 0, 0, -1, null, null, false);
        assertThat(backups.decide(idle, at(Duration.ofMinutes(30))).action()).isEqualTo(Action.STOP);
        // stopped sandboxes are not backed up
        assertThat(backups.decide(stopped(0, -1), at(Duration.ofDays(1))).action()).isNotEqualTo(Action.BACKUP);
        // and without an interval, never
        assertThat(policy.decide(fresh, at(Duration.ofDays(1))).action()).isEqualTo(Action.NONE);
    }
}
