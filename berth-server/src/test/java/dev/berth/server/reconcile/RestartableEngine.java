package dev.berth.server.reconcile;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The test engine that may be restarted ({@code ./berth test} starts it for these tests only, so a
 * restart disturbs no other test): stopped and started with the same {@code berth-engine} script
 * operators use, which stops dockerd with SIGTERM (containers get its shutdown grace, then SIGKILL).
 */
final class RestartableEngine {

    private RestartableEngine() {
    }

    static Path dir() {
        String v = System.getenv("BERTH_TEST_RESTART_ENGINE_DIR");
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(
                    "BERTH_TEST_RESTART_ENGINE_DIR must name the restartable test engine (./berth test starts it)");
        }
        return Path.of(v);
    }

    static String host() {
        return "unix://" + dir().resolve("docker.sock");
    }

    static void stop() {
        run("stop");
    }

    static void start() {
        run("start");
    }

    private static void run(String command) {
        Path script = Path.of(System.getProperty("berth.images.dir", "../images")).resolveSibling("engine")
                .resolve("berth-engine");
        var pb = new ProcessBuilder(script.toString(), command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/restart-engine.log")));
        // ./berth test exports the main test engine's bridge settings; they would win over the ones this
        // engine recorded at its first start
        pb.environment().keySet().removeIf(k -> k.startsWith("BERTH_"));
        pb.environment().put("BERTH_ENGINE_DIR", dir().toString());
        try {
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("berth-engine " + command + " did not finish in 2 minutes");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("berth-engine " + command + " exited " + p.exitValue()
                        + " (see target/restart-engine.log)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("running berth-engine " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
