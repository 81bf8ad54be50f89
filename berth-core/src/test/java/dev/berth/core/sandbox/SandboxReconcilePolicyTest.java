package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.ReconcileDecision.RunnerCommand;
import dev.berth.protocol.ContainerStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SandboxReconcilePolicyTest {

    private final SandboxReconcilePolicy policy = new SandboxReconcilePolicy(Duration.ofMinutes(2));
    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final Duration LONG = Duration.ofMinutes(3);

    @Test
    void busySandboxesAreLeftToTheirAction() {
        assertThat(policy.decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.MISSING, null, false, LONG, true))
                .isEqualTo(ReconcileDecision.NOTHING);
    }

    @Test
    void vanishedContainerIsReportedTruthfully() {
        var d = policy.decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.MISSING, null, false, SHORT, false);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).contains("removed outside Berth");
    }

    @Test
    void oomKilledIsAnErrorNamingTheCause() {
        var d = policy.decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 137, true, SHORT, false);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).contains("OOM");
    }

    @Test
    void cleanExitIsStopped() {
        var d = policy.decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 0, false, SHORT, false);
        assertThat(d.moveTo()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void interruptedCreateFinishesFromObservation() {
        assertThat(policy.decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.RUNNING, null, false, SHORT, false)
                .moveTo()).isEqualTo(SandboxState.STARTED);
        assertThat(policy.decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, SHORT, false))
                .isEqualTo(ReconcileDecision.NOTHING);
        var late = policy.decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, LONG, false);
        assertThat(late.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(late.reason()).contains("did not reach 'started' within 120 s");
    }

    @Test
    void interruptedDeleteIsRedriven() {
        assertThat(policy.decide(SandboxState.DESTROYING, DesiredState.DESTROYED, ContainerStatus.RUNNING, null, false, SHORT, false)
                .command()).isEqualTo(RunnerCommand.REMOVE_CONTAINER);
        assertThat(policy.decide(SandboxState.DESTROYING, DesiredState.DESTROYED, ContainerStatus.MISSING, null, false, SHORT, false)
                .moveTo()).isEqualTo(SandboxState.DESTROYED);
    }

    @Test
    void stoppedSandboxStartedBehindOurBackIsStoppedAgain() {
        assertThat(policy.decide(SandboxState.STOPPED, DesiredState.STOPPED, ContainerStatus.RUNNING, null, false, SHORT, false)
                .command()).isEqualTo(RunnerCommand.STOP_CONTAINER);
    }

    @Test
    void createInterruptedBeforeAnyContainerEndsInErrorOnlyAfterTheTimeout() {
        // the runner may still be pulling or have the job queued: wait
        assertThat(policy.decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, SHORT, false))
                .isEqualTo(ReconcileDecision.NOTHING);
        var d = policy.decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.MISSING, null, false, LONG, false);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.reason()).contains("create was interrupted");
        // never re-driven: a second create could only collide with berth-<id>
        assertThat(d.command()).isEqualTo(RunnerCommand.NONE);
    }

    @Test
    void createInterruptedAfterTheContainerStartedFinishesAsStarted() {
        assertThat(policy.decide(SandboxState.CREATING, DesiredState.STARTED, ContainerStatus.RUNNING, null, false, LONG, false)
                .moveTo()).isEqualTo(SandboxState.STARTED);
    }

    @Test
    void interruptedStopIsFinished() {
        assertThat(policy.decide(SandboxState.STOPPING, DesiredState.STOPPED, ContainerStatus.RUNNING, null, false, SHORT, false)
                .command()).isEqualTo(RunnerCommand.STOP_CONTAINER);
        assertThat(policy.decide(SandboxState.STOPPING, DesiredState.STOPPED, ContainerStatus.EXITED, 0, false, SHORT, false)
                .moveTo()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void aContainerStoppedByAnEngineRestartIsStoppedWithAReason() {
        var d = policy.decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 0, false, SHORT, false);
        assertThat(d.moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(d.reason()).contains("outside Berth");
        var killed = policy.decide(SandboxState.STARTED, DesiredState.STARTED, ContainerStatus.EXITED, 137, false, SHORT, false);
        assertThat(killed.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(killed.reason()).contains("code 137");
    }

    @Test
    void everyDecidedMoveIsAllowedByTheTransitionTable() {
        for (SandboxState s : SandboxState.values()) {
            for (DesiredState d : DesiredState.values()) {
                for (ContainerStatus o : ContainerStatus.values()) {
                    for (Duration t : new Duration[] {SHORT, LONG}) {
                        var dec = policy.decide(s, d, o, 1, false, t, false);
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
