package dev.berth.server.ssh;

import dev.berth.server.TunnelRunnerProcess;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every {@link SshIT} test with the sandboxes on a runner process: the gateway reaches their agents through the
 * runner's authenticated tunnel, as the toolbox does.
 */
class SshTunnelIT extends SshIT {

    private static TunnelRunnerProcess runner;

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
    }

    @Override
    @BeforeEach // an override does not inherit the annotation
    protected void waitUntilHealthy() {
        if (runner == null || !runner.isAlive()) {
            runner = TunnelRunnerProcess.start(this, "ssh");
        }
        super.waitUntilHealthy();
    }

    @AfterAll
    static void stopRunner() throws InterruptedException, IOException {
        if (runner != null) {
            runner.stop();
            runner = null;
        }
    }
}
