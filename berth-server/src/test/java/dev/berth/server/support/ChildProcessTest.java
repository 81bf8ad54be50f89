package dev.berth.server.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helper processes with real child processes ({@code sleep}): what a killed Berth leaves running goes at the next start. */
class ChildProcessTest {

    @TempDir
    Path dir;

    private ChildProcess sleeper() {
        return new ChildProcess("a sleeper", new ProcessBuilder("sleep", "300"), dir.resolve("sleeper.log"), () -> true,
                Duration.ofSeconds(5));
    }

    private static ProcessHandle recorded(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).trim().split("\\s+")[0]);
        return ProcessHandle.of(pid).orElseThrow();
    }

    @Test
    void aHelperLeftByAnEarlierBerthIsStoppedAtTheNextStartAndACloseRemovesItsPidFile() throws Exception {
        ChildProcess earlier = sleeper();
        earlier.start();
        ProcessHandle left = recorded(dir.resolve("sleeper.pid"));
        assertThat(left.isAlive()).isTrue();
        // the earlier Berth is gone without closing it (kill -9): a new one starts the same helper
        ChildProcess next = sleeper();
        next.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> !left.isAlive());
        ProcessHandle running = recorded(dir.resolve("sleeper.pid"));
        assertThat(running.pid()).isNotEqualTo(left.pid());
        assertThat(running.isAlive()).isTrue();
        next.close();
        await().atMost(Duration.ofSeconds(15)).until(() -> !running.isAlive());
        assertThat(dir.resolve("sleeper.pid")).doesNotExist();
    }

    @Test
    void aPidFileNamingAnotherProcessOrAnotherStartTouchesNothing() throws Exception {
        Process bystander = new ProcessBuilder("sleep", "300").start();
        try {
            // the pid is alive, but not the process recorded (it started at another moment: the pid was reused)
            Files.writeString(dir.resolve("sleeper.pid"), bystander.pid() + " 12345\n");
            ChildProcess helper = sleeper();
            helper.start();
            ProcessHandle running = recorded(dir.resolve("sleeper.pid"));
            assertThat(running.pid()).isNotEqualTo(bystander.pid());
            assertThat(bystander.isAlive()).isTrue();
            helper.close();
            // an unreadable pid file is ignored, not fatal
            Files.writeString(dir.resolve("sleeper.pid"), "not a pid\n");
            helper = sleeper();
            helper.start();
            assertThat(bystander.isAlive()).isTrue();
            helper.close();
        } finally {
            bystander.destroyForcibly();
        }
    }
}
