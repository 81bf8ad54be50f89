package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.protocol.ContainerStatus;
import dev.berth.protocol.ObservedSandbox;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every rule of the one reconciler, with the time passed in as a fake clock: {@code T0} is when the sandbox
 * entered its state. Boundaries are checked on both sides.
 */
class SandboxReconcilePolicyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final Duration GRACE = Duration.ofSeconds(30);
    private final SandboxReconcilePolicy policy = new SandboxReconcilePolicy(TIMEOUT, GRACE);

    private static SandboxView view(SandboxState state, DesiredState desired) {
        return new SandboxView(state, desired, 7, T0, false, null);
    }

    private static SandboxView view(SandboxState state) {
        return view(state, state == SandboxState.STOPPED || state == SandboxState.STOPPING ? DesiredState.STOPPED
                : state == SandboxState.DESTROYING ? DesiredState.DESTROYED : DesiredState.STARTED);
    }

    private static SandboxView busy(SandboxState state) {
        return new SandboxView(state, DesiredState.STARTED, 7, T0, true, null);
    }

    private static SandboxView lost() {
        return new SandboxView(SandboxState.ERROR, DesiredState.STARTED, 7, T0, false, ErrorKind.RUNNER_LOST);
    }

    private static Observation inspected(ContainerStatus status) {
        return Observation.inspected(new ObservedSandbox("s", status, null, false));
    }

    private static Observation exited(Integer code, boolean oom) {
        return Observation.inspected(new ObservedSandbox("s", ContainerStatus.EXITED, code, oom));
    }

    private static Observation inventory(ContainerStatus status) {
        return Observation.inventory(status, null);
    }

    private ReconcileDecision at(SandboxView v, Observation o, Duration after) {
        return policy.decide(v, o, T0.plus(after));
    }

    // --- settled states ---

    @Test
    void aRunningStartedSandboxNeedsNothing() {
        assertThat(at(view(SandboxState.STARTED), inspected(ContainerStatus.RUNNING), Duration.ZERO))
                .isEqualTo(ReconcileDecision.NOTHING);
    }

    @Test
    void aVanishedContainerIsAnErrorOfItsOwnKind() {
        var d = at(view(SandboxState.STARTED), inspected(ContainerStatus.MISSING), Duration.ZERO);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.errorKind()).isEqualTo(ErrorKind.CONTAINER_REMOVED);
        assertThat(d.reason()).contains("removed outside Berth");
        var stopped = at(view(SandboxState.STOPPED), inspected(ContainerStatus.MISSING), Duration.ZERO);
        assertThat(stopped.errorKind()).isEqualTo(ErrorKind.CONTAINER_REMOVED);
    }

    @Test
    void exitsAreReadByCodeAndOom() {
        var clean = at(view(SandboxState.STARTED), exited(0, false), Duration.ZERO);
        assertThat(clean.moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(clean.errorKind()).isNull();
        assertThat(clean.reason()).contains("outside Berth");
        var killed = at(view(SandboxState.STARTED), exited(137, false), Duration.ZERO);
        assertThat(killed.errorKind()).isEqualTo(ErrorKind.CONTAINER_EXITED);
        assertThat(killed.reason()).contains("code 137");
        var oom = at(view(SandboxState.STARTED), exited(137, true), Duration.ZERO);
        assertThat(oom.errorKind()).isEqualTo(ErrorKind.OUT_OF_MEMORY);
        assertThat(oom.reason()).contains("OOM");
    }

    @Test
    void aStoppedSandboxStartedBehindOurBackFollowsTheDesire() {
        assertThat(at(view(SandboxState.STOPPED, DesiredState.STOPPED), inspected(ContainerStatus.RUNNING), Duration.ZERO)
                .commands()).containsExactly(RunnerCommand.STOP);
        assertThat(at(view(SandboxState.STOPPED, DesiredState.STARTED), inspected(ContainerStatus.RUNNING), Duration.ZERO)
                .moveTo()).isEqualTo(SandboxState.STARTED);
    }

    // --- rules that used to live in the loops ---

    @Test
    void anInventoryNeverJudgesAChangeYoungerThanTheObservationGraceBoundaryIncluded() {
        Duration grace = SandboxReconcilePolicy.OBSERVATION_GRACE;
        assertThat(at(view(SandboxState.STARTED), inventory(ContainerStatus.MISSING), grace.minusMillis(1)))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(at(view(SandboxState.STARTED), inventory(ContainerStatus.MISSING), grace).moveTo())
                .isEqualTo(SandboxState.ERROR);
        // an inspection made now is judged at once
        assertThat(at(view(SandboxState.STARTED), inspected(ContainerStatus.MISSING), Duration.ZERO).moveTo())
                .isEqualTo(SandboxState.ERROR);
    }

    @Test
    void anExitInAnInventoryWithoutDetailIsACleanStopAndStaleDetailIsIgnored() {
        Duration later = Duration.ofSeconds(30);
        assertThat(at(view(SandboxState.STARTED), inventory(ContainerStatus.EXITED), later).moveTo())
                .isEqualTo(SandboxState.STOPPED);
        var detailed = at(view(SandboxState.STARTED), Observation.inventory(ContainerStatus.EXITED,
                new ObservedSandbox("s", ContainerStatus.EXITED, 137, false)), later);
        assertThat(detailed.errorKind()).isEqualTo(ErrorKind.CONTAINER_EXITED);
        var stale = at(view(SandboxState.STARTED), Observation.inventory(ContainerStatus.EXITED,
                new ObservedSandbox("s", ContainerStatus.RUNNING, null, false)), later);
        assertThat(stale.moveTo()).isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void aDeathReportedByTheEngineIsJudgedAfterItSettles() {
        var d = at(view(SandboxState.STARTED), Observation.afterEngineEvent(
                new ObservedSandbox("s", ContainerStatus.EXITED, 137, false)), Duration.ZERO);
        assertThat(d.changesNothing()).isTrue();
        assertThat(d.lookAgainIn()).isEqualTo(SandboxReconcilePolicy.DEATH_SETTLE);
        // a removal after the event is judged at once
        var gone = at(view(SandboxState.STARTED), Observation.afterEngineEvent(ObservedSandbox.missing("s")), Duration.ZERO);
        assertThat(gone.errorKind()).isEqualTo(ErrorKind.CONTAINER_REMOVED);
    }

    @Test
    void aJobInFlightIsLeftToDecideButWhatIsConfirmedIsRecorded() {
        Duration late = TIMEOUT.plusSeconds(1);
        assertThat(at(busy(SandboxState.CREATING), inventory(ContainerStatus.MISSING), late))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(at(busy(SandboxState.CREATING), inventory(ContainerStatus.MISSING), GRACE))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(at(busy(SandboxState.STOPPING), inventory(ContainerStatus.RUNNING), late))
                .isEqualTo(ReconcileDecision.NOTHING);
        // the same without a job: the error and the command
        assertThat(at(view(SandboxState.CREATING), inventory(ContainerStatus.MISSING), late).moveTo())
                .isEqualTo(SandboxState.ERROR);
        assertThat(at(view(SandboxState.STOPPING), inventory(ContainerStatus.RUNNING), late).commands())
                .containsExactly(RunnerCommand.STOP);
        // a container that runs although the create's report was lost: recorded even with the job in flight
        assertThat(at(busy(SandboxState.CREATING), inventory(ContainerStatus.RUNNING), late).moveTo())
                .isEqualTo(SandboxState.STARTED);
    }

    // --- desired state drives: an interrupted request is finished ---

    @Test
    void anInterruptedCreateIsLeftToItsRequestForTheActionGraceThenFinished() {
        var creating = view(SandboxState.CREATING);
        var early = at(creating, inspected(ContainerStatus.MISSING), GRACE.minusMillis(1));
        assertThat(early.changesNothing()).isTrue();
        assertThat(early.lookAgainIn()).isEqualTo(Duration.ofMillis(1));
        for (ContainerStatus notRunning : List.of(ContainerStatus.MISSING, ContainerStatus.CREATED, ContainerStatus.EXITED)) {
            var d = at(creating, inspected(notRunning), GRACE);
            assertThat(d.commands()).as(notRunning.name()).containsExactly(RunnerCommand.CREATE);
            assertThat(d.moveTo()).isNull();
            assertThat(d.lookAgainIn()).isEqualTo(SandboxReconcilePolicy.FOLLOW_UP);
        }
        assertThat(at(creating, inspected(ContainerStatus.RUNNING), Duration.ZERO).moveTo()).isEqualTo(SandboxState.STARTED);
    }

    @Test
    void anInterruptedStartIsFinishedAfterTheActionGrace() {
        var starting = view(SandboxState.STARTING);
        assertThat(at(starting, inspected(ContainerStatus.EXITED), GRACE.minusMillis(1)).commands()).isEmpty();
        assertThat(at(starting, inspected(ContainerStatus.EXITED), GRACE).commands()).containsExactly(RunnerCommand.START);
        assertThat(at(starting, inspected(ContainerStatus.RUNNING), Duration.ZERO).moveTo()).isEqualTo(SandboxState.STARTED);
        assertThat(at(starting, inspected(ContainerStatus.MISSING), GRACE).errorKind())
                .isEqualTo(ErrorKind.CONTAINER_REMOVED);
    }

    @Test
    void theTransitionTimeoutBoundaryIsExclusiveAndEndsTheRetries() {
        var creating = view(SandboxState.CREATING);
        assertThat(at(creating, inspected(ContainerStatus.MISSING), TIMEOUT).commands())
                .containsExactly(RunnerCommand.CREATE);
        var d = at(creating, inspected(ContainerStatus.MISSING), TIMEOUT.plusMillis(1));
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.errorKind()).isEqualTo(ErrorKind.TRANSITION_TIMEOUT);
        assertThat(d.commands()).isEmpty();
        assertThat(d.reason()).contains("did not reach 'started' within 120 s");
        var pulling = at(view(SandboxState.PULLING_SNAPSHOT), inspected(ContainerStatus.RUNNING), TIMEOUT.plusMillis(1));
        assertThat(pulling.errorKind()).isEqualTo(ErrorKind.TRANSITION_TIMEOUT);
        assertThat(at(view(SandboxState.PULLING_SNAPSHOT), inspected(ContainerStatus.RUNNING), TIMEOUT))
                .isEqualTo(ReconcileDecision.NOTHING);
    }

    @Test
    void interruptedStopsAndDeletesAreRedrivenAtOnce() {
        assertThat(at(view(SandboxState.STOPPING), inspected(ContainerStatus.RUNNING), Duration.ZERO).commands())
                .containsExactly(RunnerCommand.STOP);
        assertThat(at(view(SandboxState.STOPPING), exited(0, false), Duration.ZERO).moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(at(view(SandboxState.DESTROYING), inspected(ContainerStatus.RUNNING), Duration.ZERO).commands())
                .containsExactly(RunnerCommand.REMOVE);
        assertThat(at(view(SandboxState.DESTROYING), inspected(ContainerStatus.MISSING), Duration.ZERO).moveTo())
                .isEqualTo(SandboxState.DESTROYED);
    }

    @Test
    void aCommandThatFailedIsAnActionErrorUnlessTheSandboxIsAlreadySettledInError() {
        var d = at(view(SandboxState.CREATING), new Observation.CommandFailed(RunnerCommand.CREATE, "no such image"),
                GRACE);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.errorKind()).isEqualTo(ErrorKind.ACTION_FAILED);
        assertThat(d.reason()).contains("create").contains("no such image");
        assertThat(at(view(SandboxState.ERROR), new Observation.CommandFailed(RunnerCommand.STOP, "x"), GRACE))
                .isEqualTo(ReconcileDecision.NOTHING);
    }

    // --- a lost runner ---

    @Test
    void aSilentRunnersSandboxesAreReportedLostOnce() {
        Instant last = T0.minusSeconds(90);
        var d = at(view(SandboxState.STARTED), new Observation.RunnerSilent("r1", last), Duration.ZERO);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(d.errorKind()).isEqualTo(ErrorKind.RUNNER_LOST);
        assertThat(d.reason()).startsWith("runner lost").contains("r1").contains(last.toString());
        assertThat(at(lost(), new Observation.RunnerSilent("r1", last), Duration.ZERO)).isEqualTo(ReconcileDecision.NOTHING);
        assertThat(at(view(SandboxState.ERROR), new Observation.RunnerSilent("r1", last), Duration.ZERO))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(at(view(SandboxState.DESTROYED), new Observation.RunnerSilent("r1", last), Duration.ZERO))
                .isEqualTo(ReconcileDecision.NOTHING);
    }

    @Test
    void aLostRunnersReturnSettlesItsSandboxesAtOnceWhateverTheGrace() {
        assertThat(at(lost(), inventory(ContainerStatus.RUNNING), Duration.ZERO).moveTo()).isEqualTo(SandboxState.STARTED);
        assertThat(at(lost(), inventory(ContainerStatus.EXITED), Duration.ZERO).moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(at(lost(), inventory(ContainerStatus.CREATED), Duration.ZERO).moveTo()).isEqualTo(SandboxState.STOPPED);
        var gone = at(lost(), inventory(ContainerStatus.MISSING), Duration.ZERO);
        assertThat(gone.moveTo()).isNull();
        assertThat(gone.errorKind()).isEqualTo(ErrorKind.CONTAINER_REMOVED);
        assertThat(gone.reason()).contains("container is gone");
        // an error for another cause is not changed by an observation, and needs none
        assertThat(at(view(SandboxState.ERROR), inventory(ContainerStatus.RUNNING), Duration.ofMinutes(1)))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(policy.needsObservation(view(SandboxState.ERROR))).isFalse();
        assertThat(policy.needsObservation(lost())).isTrue();
    }

    // --- pause ---

    @Test
    void aPausedSandboxLooksRunningAndIsLeftAloneUnlessItsContainerStoppedOrVanished() {
        assertThat(at(view(SandboxState.PAUSED), inspected(ContainerStatus.RUNNING), Duration.ofMinutes(5)))
                .isEqualTo(ReconcileDecision.NOTHING);
        assertThat(at(view(SandboxState.PAUSED), exited(0, false), Duration.ofMinutes(5)).moveTo())
                .isEqualTo(SandboxState.STOPPED);
        var gone = at(view(SandboxState.PAUSED), inspected(ContainerStatus.MISSING), Duration.ofMinutes(5));
        assertThat(gone.moveTo()).isEqualTo(SandboxState.ERROR);
        assertThat(gone.errorKind()).isEqualTo(ErrorKind.CONTAINER_REMOVED);
    }

    @Test
    void aPauseOrResumeItsRequestDidNotFinishIsSentAgainAfterTheGrace() {
        assertThat(at(view(SandboxState.PAUSING), inspected(ContainerStatus.RUNNING), Duration.ZERO).commands()).isEmpty();
        var pause = at(view(SandboxState.PAUSING), inspected(ContainerStatus.RUNNING), GRACE);
        assertThat(pause.commands()).containsExactly(RunnerCommand.PAUSE);
        assertThat(pause.moveTo()).isEqualTo(SandboxState.PAUSED);
        var resume = at(view(SandboxState.RESUMING), inspected(ContainerStatus.RUNNING), GRACE);
        assertThat(resume.commands()).containsExactly(RunnerCommand.RESUME);
        assertThat(resume.moveTo()).isEqualTo(SandboxState.STARTED);
    }

    @Test
    void aResizeItsRequestDidNotFinishGetsTheRecordedSizeAgainAndSettles() {
        assertThat(at(view(SandboxState.RESIZING), inspected(ContainerStatus.RUNNING), Duration.ZERO).commands()).isEmpty();
        var running = at(view(SandboxState.RESIZING), inspected(ContainerStatus.RUNNING), GRACE);
        assertThat(running.commands()).containsExactly(RunnerCommand.RESIZE);
        assertThat(running.moveTo()).isEqualTo(SandboxState.STARTED);
        var stopped = at(view(SandboxState.RESIZING), exited(0, false), GRACE);
        assertThat(stopped.moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(at(view(SandboxState.RESIZING), inspected(ContainerStatus.MISSING), Duration.ZERO).moveTo())
                .isEqualTo(SandboxState.ERROR);
    }

    @Test
    void aPausedSandboxLostWithItsRunnerComesBackPaused() {
        var lostPaused = new SandboxView(SandboxState.ERROR, DesiredState.PAUSED, 1, T0, false, ErrorKind.RUNNER_LOST);
        assertThat(at(lostPaused, inventory(ContainerStatus.RUNNING), Duration.ofMinutes(5)).moveTo())
                .isEqualTo(SandboxState.PAUSED);
        var lostStarted = new SandboxView(SandboxState.ERROR, DesiredState.STARTED, 1, T0, false, ErrorKind.RUNNER_LOST);
        assertThat(at(lostStarted, inventory(ContainerStatus.RUNNING), Duration.ofMinutes(5)).moveTo())
                .isEqualTo(SandboxState.STARTED);
    }

    // --- the table ---

    @Test
    void everyDecidedMoveIsAllowedByTheTransitionTable() {
        List<Observation> observations = List.of(inspected(ContainerStatus.RUNNING), inspected(ContainerStatus.MISSING),
                inspected(ContainerStatus.CREATED), exited(0, false), exited(1, false), exited(137, true),
                inventory(ContainerStatus.MISSING), new Observation.RunnerSilent("r", T0),
                new Observation.CommandFailed(RunnerCommand.START, "x"));
        for (SandboxState s : SandboxState.values()) {
            for (DesiredState desired : DesiredState.values()) {
                for (Observation o : observations) {
                    for (Duration after : List.of(Duration.ZERO, GRACE, TIMEOUT.plusSeconds(1))) {
                        var d = policy.decide(new SandboxView(s, desired, 1, T0, false, null), o, T0.plus(after));
                        if (d.moveTo() != null) {
                            assertThat(SandboxTransitions.isAllowed(s, d.moveTo())).as(s + " -> " + d.moveTo() + " on " + o)
                                    .isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void theActionGraceMustBeShorterThanTheTimeout() {
        assertThatThrownBy(() -> new SandboxReconcilePolicy(GRACE, GRACE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("action grace");
    }

    // --- archive and restore (a request that died half-way) ---

    private static SandboxView archiving(boolean jobInFlight) {
        return new SandboxView(SandboxState.ARCHIVING, DesiredState.ARCHIVED, 7, T0, jobInFlight, null);
    }

    @Test
    void anArchiveIsLeftToItsRequestForTheGraceAndWhileItsJobRuns() {
        var early = at(archiving(false), inspected(ContainerStatus.EXITED), GRACE.minusSeconds(1));
        assertThat(early.changesNothing()).isTrue();
        assertThat(early.lookAgainIn()).isEqualTo(Duration.ofSeconds(1));
        assertThat(at(archiving(true), inventory(ContainerStatus.EXITED), TIMEOUT.plusSeconds(1)))
                .isEqualTo(ReconcileDecision.NOTHING);
    }

    @Test
    void anInterruptedArchiveWhoseContainerRemainsIsStoppedAgainWithAReason() {
        var d = at(archiving(false), inspected(ContainerStatus.EXITED), GRACE);
        assertThat(d.moveTo()).isEqualTo(SandboxState.STOPPED);
        assertThat(d.errorKind()).isNull();
        assertThat(d.reason()).contains("archive was interrupted").contains("archive it again");
        assertThat(d.commands()).isEmpty();
        assertThat(at(archiving(false), inventory(ContainerStatus.CREATED), GRACE.plusSeconds(5)).moveTo())
                .isEqualTo(SandboxState.STOPPED);
    }

    @Test
    void anArchiveWhoseContainerIsGoneWasVerifiedAndIsArchived() {
        var d = at(archiving(false), inspected(ContainerStatus.MISSING), GRACE);
        assertThat(d).isEqualTo(ReconcileDecision.move(SandboxState.ARCHIVED));
        assertThat(at(archiving(false), inspected(ContainerStatus.MISSING), GRACE.minusMillis(1)).moveTo()).isNull();
    }

    @Test
    void anArchivingSandboxWhoseContainerRunsTimesOutAsBefore() {
        assertThat(at(archiving(false), inspected(ContainerStatus.RUNNING), TIMEOUT).moveTo()).isNull();
        var d = at(archiving(false), inspected(ContainerStatus.RUNNING), TIMEOUT.plusSeconds(1));
        assertThat(d.errorKind()).isEqualTo(ErrorKind.TRANSITION_TIMEOUT);
    }

    @Test
    void aRestoreWhoseContainerRunsIsStartedAtOnce() {
        assertThat(at(view(SandboxState.RESTORING), inspected(ContainerStatus.RUNNING), Duration.ZERO))
                .isEqualTo(ReconcileDecision.move(SandboxState.STARTED));
        assertThat(at(busy(SandboxState.RESTORING), inspected(ContainerStatus.RUNNING), Duration.ZERO).moveTo())
                .isEqualTo(SandboxState.STARTED);
    }

    @Test
    void aRestoreThatMadeNoContainerGoesBackToArchivedAfterTheGrace() {
        var early = at(view(SandboxState.RESTORING), inspected(ContainerStatus.MISSING), GRACE.minusSeconds(2));
        assertThat(early.changesNothing()).isTrue();
        assertThat(early.lookAgainIn()).isEqualTo(Duration.ofSeconds(2));
        assertThat(at(busy(SandboxState.RESTORING), inventory(ContainerStatus.MISSING), TIMEOUT.plusSeconds(1)))
                .isEqualTo(ReconcileDecision.NOTHING);
        var d = at(view(SandboxState.RESTORING), inspected(ContainerStatus.MISSING), GRACE);
        assertThat(d.moveTo()).isEqualTo(SandboxState.ARCHIVED);
        assertThat(d.errorKind()).isNull();
        assertThat(d.reason()).contains("archive is kept").contains("start the sandbox again");
        // also long after: never an error that would lose track of the archive
        assertThat(at(view(SandboxState.RESTORING), inspected(ContainerStatus.MISSING), TIMEOUT.plusSeconds(60))
                .moveTo()).isEqualTo(SandboxState.ARCHIVED);
    }

    @Test
    void aRestoreWhoseContainerWasMadeButNotStartedIsStartedThenTimesOut() {
        assertThat(at(view(SandboxState.RESTORING), inspected(ContainerStatus.CREATED), GRACE.minusSeconds(1))
                .commands()).isEmpty();
        assertThat(at(view(SandboxState.RESTORING), inspected(ContainerStatus.EXITED), GRACE))
                .isEqualTo(ReconcileDecision.send(RunnerCommand.START, SandboxReconcilePolicy.FOLLOW_UP));
        var late = at(view(SandboxState.RESTORING), inspected(ContainerStatus.EXITED), TIMEOUT.plusSeconds(1));
        assertThat(late.errorKind()).isEqualTo(ErrorKind.TRANSITION_TIMEOUT);
        assertThat(late.reason()).contains("start it again");
    }

    @Test
    void theTableLetsAFailedRestoreReturnToArchived() {
        assertThat(SandboxTransitions.isAllowed(SandboxState.RESTORING, SandboxState.ARCHIVED)).isTrue();
        assertThat(SandboxTransitions.isAllowed(SandboxState.ARCHIVED, SandboxState.STARTING)).isFalse();
    }

    @Test
    void archiveImagesLiveInTheirOwnNamespaceOneRepositoryPerSandbox() {
        var a = ArchiveImage.next("0b6c3f1e-1111-4222-8333-944455556666", T0);
        assertThat(a.ref()).isEqualTo("berth-archive/0b6c3f1e-1111-4222-8333-944455556666:"
                + Long.toString(T0.toEpochMilli(), 36));
        assertThat(("img:" + a.ref()).length()).isLessThanOrEqualTo(64);
        assertThat(a.repository()).isEqualTo("berth-archive/0b6c3f1e-1111-4222-8333-944455556666");
        assertThat(ArchiveImage.parse(a.ref())).isEqualTo(a);
        assertThat(ArchiveImage.isArchive("Berth-Archive/x:y")).isTrue();
        assertThat(ArchiveImage.isArchive("berth-snapshot/x:latest")).isFalse();
        assertThatThrownBy(() -> ArchiveImage.parse("berth-snapshot/x:latest")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArchiveImage("../x", "t")).isInstanceOf(IllegalArgumentException.class);
    }
}
