package dev.berth.runner.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.EngineException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that takes a request and never answers (dockerd after losing a container's exit event): a call on one
 * container's state fails once its deadline passes, naming what it tried, instead of holding the caller's thread.
 */
class ControlTimeoutTest {

    @TempDir
    Path dir;
    private ServerSocketChannel server;
    private final List<SocketChannel> accepted = new ArrayList<>();
    private Thread acceptor;
    private DockerContainerEngine engine;

    @BeforeEach
    void silentEngine() throws Exception {
        Path sock = dir.resolve("docker.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    SocketChannel c = server.accept(); // reads nothing, answers nothing
                    synchronized (accepted) {
                        accepted.add(c);
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }, "silent-engine");
        acceptor.setDaemon(true);
        acceptor.start();
        engine = new DockerContainerEngine("unix://" + sock, Duration.ofMillis(800));
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
        server.close();
        synchronized (accepted) {
            for (SocketChannel c : accepted) {
                c.close();
            }
        }
        acceptor.join(TimeUnit.SECONDS.toMillis(5));
        Files.deleteIfExists(dir.resolve("docker.sock"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // guards the suite: without a deadline the call would wait 10 min
    void aRemoveTheEngineNeverAnswersFails() {
        assertThatThrownBy(() -> engine.remove("berth-sb-x")).isInstanceOf(EngineException.class)
                .hasMessageContaining("remove container berth-sb-x").hasMessageContaining("no answer within");
        // a retry while the first call still waits fails at once, with no second thread left waiting
        int before = accepted();
        assertThatThrownBy(() -> engine.remove("berth-sb-x")).isInstanceOf(EngineException.class)
                .hasMessageContaining("has not answered the same call");
        assertThat(accepted()).isEqualTo(before);
        // another container's call is not held back by it
        assertThatThrownBy(() -> engine.remove("berth-sb-y")).isInstanceOf(EngineException.class)
                .hasMessageContaining("no answer within");
    }

    private int accepted() {
        synchronized (accepted) {
            return accepted.size();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void killInspectAndAShortStopFailToo() {
        assertThatThrownBy(() -> engine.kill("berth-sb-x")).isInstanceOf(EngineException.class)
                .hasMessageContaining("kill container berth-sb-x");
        assertThatThrownBy(() -> engine.inspect("berth-sb-x")).isInstanceOf(EngineException.class);
        // a stop's grace period is added to what it may take; none here
        assertThatThrownBy(() -> engine.stop("berth-sb-x", Duration.ZERO)).isInstanceOf(EngineException.class);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void pastTheCapOfUnansweredCallsEveryCallFailsAtOnceLeavingConnectionsForTheRest() {
        for (int i = 0; i < DockerContainerEngine.MAX_UNANSWERED; i++) {
            String c = "berth-sb-" + i;
            assertThatThrownBy(() -> engine.kill(c)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("no answer within");
        }
        int before = accepted();
        assertThatThrownBy(() -> engine.remove("berth-sb-other")).isInstanceOf(EngineException.class)
                .hasMessageContaining("earlier calls past their deadline are still unanswered");
        assertThat(accepted()).as("no new connection taken").isEqualTo(before);
    }
}
