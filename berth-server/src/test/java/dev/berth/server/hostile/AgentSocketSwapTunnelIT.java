package dev.berth.server.hostile;

import dev.berth.server.TunnelRunnerProcess;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The socket swap against a runner process: the control plane reaches the agent through the runner's
 * tunnel, and the runner authenticates the unix connection before splicing (the token never leaves it).
 */
class AgentSocketSwapTunnelIT extends AgentSocketSwapContract {

    private static TunnelRunnerProcess runner;

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
    }

    @Override
    @BeforeEach // an override does not inherit the annotation
    protected void waitUntilHealthy() {
        if (runner == null || !runner.isAlive()) {
            runner = TunnelRunnerProcess.start(this, "swap");
        }
        super.waitUntilHealthy();
    }

    @Override
    protected Path sandboxesDir() {
        return runner.dataDir().toAbsolutePath().resolve("sandboxes");
    }

    @AfterAll
    static void stopRunner() throws InterruptedException, IOException {
        if (runner != null) {
            runner.stop();
            runner = null;
        }
    }
}
