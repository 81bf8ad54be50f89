package dev.berth.server.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every {@link SshIT} test with the sandboxes on a runner process: the gateway reaches their agents through the
 * runner's authenticated tunnel, as the toolbox does.
 */
class SshTunnelIT extends SshIT {

    private static Process runner;
    private static Path runnerData;

    @DynamicPropertySource
    static void serverMode(DynamicPropertyRegistry r) {
        r.add("berth.embedded-runner", () -> "false");
    }

    @Override
    @BeforeEach // an override does not inherit the annotation
    protected void waitUntilHealthy() {
        if (runner == null || !runner.isAlive()) {
            startRunner();
        }
        super.waitUntilHealthy();
    }

    private void startRunner() {
        try {
            String id = "ssh-" + UUID.randomUUID().toString().substring(0, 8);
            String token = ok(admin("POST", "/api/runners", "{\"id\":\"" + id + "\",\"region\":\"us\"}"))
                    .get("token").asString();
            runnerData = Files.createTempDirectory("berth-ssh-runner-");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "dev.berth.runner.node.RunnerMain", "--api-url", "http://localhost:" + port, "--token", token,
                    "--runner-id", id, "--docker-host", dockerHost(), "--data-dir", runnerData.toString(),
                    "--agent-binary", System.getProperty("berth.agent.binary"), "--images-dir",
                    System.getProperty("berth.images.dir", "../images"), "--image-cache", imageCache().toString(),
                    "--heartbeat", "1s");
            runner = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/runner-" + id + ".log"))).start();
            Awaitility.await("runner " + id + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "ready".equals(ok(admin("GET", "/api/runners/" + id, null)).get("state").asString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a runner process: " + e, e);
        }
    }

    @AfterAll
    static void stopRunner() throws InterruptedException, IOException {
        if (runner != null) {
            runner.destroy();
            runner.waitFor();
            runner = null;
        }
        if (runnerData != null) {
            try (var walk = Files.walk(runnerData)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
