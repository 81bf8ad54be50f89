package dev.berth.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.runner.engine.ContainerEngine;
import dev.berth.runner.engine.EngineInfo;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A data directory whose agent sockets could never be connected to (path over 107 bytes) is refused at start. */
class SocketPathLimitTest {

    /** Answers info() only: the constructor reads nothing else from the engine. */
    private static ContainerEngine engine() {
        return (ContainerEngine) Proxy.newProxyInstance(ContainerEngine.class.getClassLoader(),
                new Class<?>[] {ContainerEngine.class}, (p, m, a) -> {
                    if (m.getName().equals("info")) {
                        return new EngineInfo("test", "overlay2", false, "/var/lib/docker", 2);
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static SandboxRunner runner(Path dataDir) {
        return new SandboxRunner(engine(), new RunnerSettings("r1", dataDir, null, 64, Duration.ofSeconds(1),
                List.of(), "bridge"));
    }

    @Test
    void theLongestDataDirectoryThatFitsIsAccepted() {
        // sandboxes/<36-char id>/run/agent.sock is 62 bytes below the data directory
        Path fits = Path.of("/" + "d".repeat(107 - 62 - 1));
        SandboxRunner r = runner(fits);
        assertThat(r.agentSocket("00000000-0000-0000-0000-000000000000").toString()).hasSize(107);
    }

    @Test
    void oneByteMoreIsRefusedWithTheLimitAndTheFix() {
        Path tooLong = Path.of("/" + "d".repeat(107 - 62));
        assertThatThrownBy(() -> runner(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("107-byte limit").hasMessageContaining("at most 45 bytes");
    }
}
