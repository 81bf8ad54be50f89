package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.ReconcileDecision.RunnerCommand;
import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The rules that used to live in the heartbeat loop (RunnerHeartbeats) and now live in the decision:
 * observation grace, exit-code reading of an inventory without detail, the in-flight-job restraint and
 * a lost runner's return. The time is passed in: {@code T0} is when the sandbox entered its state.
 */
class ReconcileRulesFromLoopsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private final SandboxReconcilePolicy policy = new SandboxReconcilePolicy(TIMEOUT);

    private static SandboxView view(SandboxState state, boolean jobInFlight, boolean lost) {
        return new SandboxView(state, DesiredState.STARTED, T0, jobInFlight, lost);
    }

    private static Observation inventory(ContainerStatus status) {
        return Observation.inventory(status, null);
    }

    @Test
    void anInventoryNeverJudgesAChangeYoungerThanTheGraceBoundaryIncluded() {
        var started = view(SandboxState.STARTED, false, false);
        Duration grace = SandboxReconcilePolicy.OBSERVATION_GRACE;
        assertThat(policy.decide(started, inventory(ContainerStatus.MISSING), T0.plus(grace).minusMillis(1)))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(policy.decide(started, inventory(ContainerStatus.MISSING), T0.plus(grace)).moveTo())
                .isEqualTo(SandboxState.ERROR);
    }

    @Test
    void anInspectionMadeNowIsJudgedAtOnce() {
        var d = policy.decide(view(SandboxState.STARTED, false, false),
                Observation.inspected(ObservedSandbox.missing("s")), T0);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
    }

    @Test
    void anExitInAnInventoryWithoutDetailIsACleanStop() {
        Instant later = T0.plus(Duration.ofSeconds(30));
        var bare = policy.decide(view(SandboxState.STARTED, false, false), inventory(ContainerStatus.EXITED), later);
        assertThat(bare.moveTo()).isEqualTo(SandboxState.STOPPED);
        var detailed = policy.decide(view(SandboxState.STARTED, false, false), Observation.inventory(
                ContainerStatus.EXITED, new ObservedSandbox("s", ContainerStatus.EXITED, 137, false)), later);
        assertThat(detailed.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(detailed.reason()).contains("code 137");
        var oom = policy.decide(view(SandboxState.STARTED, false, false), Observation.inventory(
                ContainerStatus.EXITED, new ObservedSandbox("s", ContainerStatus.EXITED, 137, true)), later);
        assertThat(oom.reason()).contains("OOM");
        // detail that describes another status than the inventory's is not used
        var stale = policy.decide(view(SandboxState.STARTED, false, false), Observation.inventory(
                ContainerStatus.EXITED, new ObservedSandbox("s", ContainerStatus.RUNNING, null, false)), later);
        assertThat(stale.moveTo()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void aJobInFlightIsLeftToDecideButWhatIsConfirmedIsRecorded() {
        Instant later = T0.plus(TIMEOUT).plusSeconds(1);
        // no error declared and no runner work asked for while the job runs
        assertThat(policy.decide(view(SandboxState.CREATING, true, false), inventory(ContainerStatus.MISSING), later))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(policy.decide(view(SandboxState.STOPPING, true, false), inventory(ContainerStatus.RUNNING), later))
                .isEqualTo(ReconcileDecision.NOTHING);
        // the same observations without a job: the error and the command
        assertThat(policy.decide(view(SandboxState.CREATING, false, false), inventory(ContainerStatus.MISSING), later)
                .moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(policy.decide(view(SandboxState.STOPPING, false, false), inventory(ContainerStatus.RUNNING), later)
                .command()).isEqualTo(RunnerCommand.STOP_CONTAINER);
        // a container that runs although the create's report was lost: recorded even with the job in flight
        assertThat(policy.decide(view(SandboxState.CREATING, true, false), inventory(ContainerStatus.RUNNING), later)
                .moveTo()).isEqualTo(SandboxState.STARTED);
    }

    @Test
    void theTransitionTimeoutBoundaryIsExclusive() {
        var creating = view(SandboxState.CREATING, false, false);
        assertThat(policy.decide(creating, inventory(ContainerStatus.MISSING), T0.plus(TIMEOUT)))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(policy.decide(creating, inventory(ContainerStatus.MISSING), T0.plus(TIMEOUT).plusMillis(1)).moveTo())
                .isEqualTo(SandboxState.ERROR);
    }

    @Test
    void aLostRunnersReturnSettlesItsSandboxesAtOnceWhateverTheJobsAndTheGrace() {
        var lost = view(SandboxState.ERROR, true, true);
        assertThat(policy.decide(lost, inventory(ContainerStatus.RUNNING), T0).moveTo()).isEqualTo(SandboxState.STARTED);
        assertThat(policy.decide(lost, inventory(ContainerStatus.EXITED), T0).moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(policy.decide(lost, inventory(ContainerStatus.CREATED), T0).moveTo()).isEqualTo(SandboxState.STOPPED);
        var gone = policy.decide(lost, inventory(ContainerStatus.MISSING), T0);
        assertThat(gone.moveTo()).isNull();
        assertThat(gone.isNothing()).isFalse();
        assertThat(gone.reason()).contains("container is gone");
        // an error for another cause is not changed by an observation
        assertThat(policy.decide(view(SandboxState.ERROR, false, false), inventory(ContainerStatus.RUNNING),
                T0.plusSeconds(60))).isEqualTo(ReconcileDecision.NOTHING);
    }

    @Test
    void aSilentRunnersSandboxesAreReportedLostOnceAndTheReturnRecognizesThem() {
        Instant last = T0.minusSeconds(90);
        var d = policy.runnerLost(view(SandboxState.STARTED, false, false), "r1", last);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).startsWith(SandboxReconcilePolicy.RUNNER_LOST).contains("r1").contains(last.toString());
        assertThat(SandboxTransitions.isAllowed(SandboxState.STARTED, d.moveTo())).isTrue();
        // already in error (lost before, or for its own cause): left alone, its reason kept
        assertThat(policy.runnerLost(view(SandboxState.ERROR, false, false), "r1", last)).isEqualTo(ReconcileDecision.NOTHING);
        assertThat(policy.runnerLost(view(SandboxState.DESTROYED, false, false), "r1", last))
                .isEqualTo(ReconcileDecision.NOTHING);
    }
}
