package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.ReconcileDecision.RunnerCommand;
import dev.berth.protocol.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SandboxReconcilePolicyTest {

    private final SandboxReconcilePolicy policy = new SandboxReconcilePolicy(Duration.ofMinutes(2));
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final Duration LONG = Duration.ofMinutes(3);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** An inspection made now, {@code inState} after the sandbox entered {@code state}. */
    private ReconcileDecision decide(SandboxState state, DesiredState desired, ContainerStatus seen, Integer exitCode,
            boolean oom, Duration inState) {
        return policy.decide(SandboxView.of(state, desired, T0), new Observation(Observation.Source.INSPECTED, seen,
                exitCode, oom), T0.plus(inState));
    }

    @Test
    void vanishedContainerIsReportedTruthfully() {
        var d = decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.MISSING, null, false, SHORT);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).contains("removed outside Berth");
    }

    @Test
    void oomKilledIsAnErrorNamingTheCause() {
        var d = decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 137, true, SHORT);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).contains("OOM");
    }

    @Test
    void cleanExitIsStopped() {
        var d = decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 0, false, SHORT);
        assertThat(d.moveTo()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void interruptedCreateFinishesFromObservation() {
        assertThat(decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.RUNNING, null, false, SHORT)
                .moveTo()).isEqualTo(SandboxState.STARTED);
        assertThat(decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, SHORT))
                .isEqualTo(ReconcileDecision.NOTHING);
        var late = decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, LONG);
        assertThat(late.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(late.reason()).contains("did not reach 'started' within 120 s");
    }

    @Test
    void interruptedDeleteIsRedriven() {
        assertThat(decide(SandboxState.DESTROYING, DesiredState.DESTROYED, ContainerStatus.RUNNING, null, false, SHORT)
                .command()).isEqualTo(RunnerCommand.REMOVE_CONTAINER);
        assertThat(decide(SandboxState.DESTROYING, DesiredState.DESTROYED, ContainerStatus.MISSING, null, false, SHORT)
                .moveTo()).isEqualTo(SandboxState.DESTROYED);
    }

    @Test
    void stoppedSandboxStartedBehindOurBackIsStoppedAgain() {
        assertThat(decide(SandboxState.STOPPED, DesiredState.STOPPED, ContainerStatus.RUNNING, null, false, SHORT)
                .command()).isEqualTo(RunnerCommand.STOP_CONTAINER);
    }

    @Test
    void createInterruptedBeforeAnyContainerEndsInErrorOnlyAfterTheTimeout() {
        // the runner may still be pulling or have the job queued: wait
        assertThat(decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, SHORT))
                .isEqualTo(ReconcileDecision.NOTHING);
        var d = decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, LONG);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).contains("create was interrupted");
        // never re-driven: a second create could only collide with berth-<id>
        assertThat(d.command()).isEqualTo(RunnerCommand.NONE);
    }

    @Test
    void createInterruptedAfterTheContainerStartedFinishesAsStarted() {
        assertThat(decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.RUNNING, null, false, LONG)
                .moveTo()).isEqualTo(SandboxState.STARTED);
    }

    @Test
    void interruptedStopIsFinished() {
        assertThat(decide(SandboxState.STOPPING, DesiredState.STOPPED, ContainerStatus.RUNNING, null, false, SHORT)
                .command()).isEqualTo(RunnerCommand.STOP_CONTAINER);
        assertThat(decide(SandboxState.STOPPING, DesiredState.STOPPED, ContainerStatus.EXITED, 0, false, SHORT)
                .moveTo()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void aContainerStoppedByAnEngineRestartIsStoppedWithAReason() {
        var d = decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 0, false, SHORT);
        assertThat(d.moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(d.reason()).contains("outside Berth");
        var killed = decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 137, false, SHORT);
        assertThat(killed.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(killed.reason()).contains("code 137");
    }

    @Test
    void everyDecidedMoveIsAllowedByTheTransitionTable() {
        for (SandboxState s : SandboxState.values()) {
            for (DesiredState d : DesiredState.values()) {
                for (ContainerStatus o : ContainerStatus.values()) {
                    for (Duration t : new Duration[] {SHORT, LONG}) {
                        var dec = decide(s, d, o, 1, false, t);
                        if (dec.moveTo() != null) {
                            assertThat(SandboxTransitions.isAllowed(s, dec.moveTo()))
                                    .as(s + " -> " + dec.moveTo() + " (observed " + o + ")").isTrue();
                        }
                    }
                }
            }
        }
    }
}
