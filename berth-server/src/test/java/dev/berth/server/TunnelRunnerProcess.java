package dev.berth.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * One runner process (RunnerMain) registered with a test's control plane and ready, for the ITs that run an
 * embedded-mode test class's cases again with the sandboxes behind a runner's authenticated tunnel.
 */
public final class TunnelRunnerProcess {

    private final Process process;
    private final Path dataDir;

    private TunnelRunnerProcess(Process process, Path dataDir) {
        this.process = process;
        this.dataDir = dataDir;
    }

    /** Registers a runner named {@code <prefix>-<random>} in region us on {@code it}'s server and starts it. */
    public static TunnelRunnerProcess start(BerthIT it, String prefix) {
        try {
            String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            String token = it.ok(it.admin("POST", "/api/runners", "{\"id\":\"" + id + "\",\"region\":\"us\"}"))
                    .get("token").asString();
            Path data = Files.createTempDirectory("berth-" + prefix + "-runner-");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "dev.berth.runner.node.RunnerMain", "--api-url", "http://localhost:" + it.port, "--token", token,
                    "--runner-id", id, "--docker-host", BerthIT.dockerHost(), "--data-dir", data.toString(),
                    "--agent-binary", System.getProperty("berth.agent.binary"), "--images-dir",
                    System.getProperty("berth.images.dir", "../images"), "--image-cache", BerthIT.imageCache().toString(),
                    "--heartbeat", "1s");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/runner-" + id + ".log"))).start();
            Awaitility.await("runner " + id + " ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "ready".equals(it.ok(it.admin("GET", "/api/runners/" + id, null)).get("state")
                            .asString()));
            return new TunnelRunnerProcess(p, data);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a runner process: " + e, e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The runner's data directory (its sandboxes' directories are under {@code sandboxes/}). */
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the process and removes its data directory. */
    public void stop() throws InterruptedException, IOException {
        process.destroy();
        process.waitFor();
        try (var walk = Files.walk(dataDir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
