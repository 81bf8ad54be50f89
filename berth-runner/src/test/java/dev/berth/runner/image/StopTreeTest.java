package dev.berth.runner.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped image build leaves no process behind, and its shell's EXIT trap (the cleanup) gets to run. */
class StopTreeTest {

    @Test
    void childrenAreStoppedFirstSoTheBuildersCleanupRuns(@TempDir Path dir) throws Exception {
        Path scratch = Files.createDirectory(dir.resolve(".build-scratch"));
        Path started = dir.resolve("started");
        // like build-default: a bash script with an EXIT trap, waiting on a long foreground child
        Process p = new ProcessBuilder("bash", "-c", "trap 'rm -rf \"$0\"' EXIT; touch \"$1\"; sleep 300",
                scratch.toString(), started.toString()).start();
        Awaitility.await("the script is running").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> Files.exists(started));
        // the trap file exists before bash has forked sleep: wait for the child itself, not just the marker
        Awaitility.await("the script's child is running").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> p.descendants().findAny().isPresent());
        List<ProcessHandle> children = p.descendants().toList();
        assertThat(children).isNotEmpty();

        BaseImageBuilder.stopTree(p);

        assertThat(p.isAlive()).isFalse();
        // a killed child whose parent is gone is reaped by init a moment later: wait for that, with a deadline
        Awaitility.await("the children are gone").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(scratch).as("the EXIT trap removed the scratch directory").doesNotExist();
    }
}
