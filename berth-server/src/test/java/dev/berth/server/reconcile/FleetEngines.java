package dev.berth.server.reconcile;

import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.ContainerInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runner processes on the fleet test engines, and what those engines hold, for the crash tests. */
public final class FleetEngines {

    private FleetEngines() {
    }

    public static String host(int i) {
        String v = System.getenv("BERTH_TEST_FLEET_DOCKER_HOSTS");
        if (v == null || v.split(",").length < 2) {
            throw new IllegalStateException("BERTH_TEST_FLEET_DOCKER_HOSTS must name two engines (./berth test starts them)");
        }
        return v.split(",")[i];
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static Process startRunner(String apiUrl, String id, String token, String dockerHost, Path imageCache)
            throws IOException {
        return startRunner(apiUrl, id, token, dockerHost, imageCache, List.of());
    }

    /** As above with more runner options (e.g. {@code --no-network-guard}); its output goes to {@link #log}. */
    public static Process startRunner(String apiUrl, String id, String token, String dockerHost, Path imageCache,
            List<String> options) throws IOException {
        // kept short: the agent sockets below it must fit a unix socket path (107 bytes)
        Path data = Path.of("/var/tmp/berth-test/fd", id);
        Files.createDirectories(data);
        List<String> cmd = List.of(java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.berth.runner.node.RunnerMain", "--api-url", apiUrl, "--token", token, "--runner-id", id,
                "--docker-host", dockerHost, "--data-dir", data.toString(), "--agent-binary",
                System.getProperty("berth.agent.binary"), "--images-dir", System.getProperty("berth.images.dir", "../images"),
                "--image-cache", imageCache.toString(), "--protocol-version", String.valueOf(dev.berth.protocol.runner.RunnerProtocol.CURRENT), "--heartbeat", "1s");
        cmd = new java.util.ArrayList<>(cmd);
        cmd.addAll(options);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start();
    }

    /** Where runner {@code id}'s output goes (appended across runs). */
    public static Path log(String id) {
        return Path.of("target", "runner-" + id + ".log");
    }

    /** Berth containers of one runner on an engine, by sandbox id (a duplicate would collide on berth-<id>). */
    static Map<String, ContainerInfo> containersOf(String dockerHost, String runnerId) {
        try (var engine = new DockerContainerEngine(dockerHost)) {
            Map<String, ContainerInfo> out = new HashMap<>();
            for (ContainerInfo c : engine.listByLabel(SandboxRunner.LABEL_SANDBOX)) {
                if (runnerId.equals(c.labels().get(SandboxRunner.LABEL_RUNNER))) {
                    if (out.put(c.labels().get(SandboxRunner.LABEL_SANDBOX), c) != null) {
                        throw new AssertionError("two containers for sandbox " + c.labels().get(SandboxRunner.LABEL_SANDBOX));
                    }
                }
            }
            return out;
        }
    }

    public static void removeAll(String dockerHost, String runnerId) {
        try (var engine = new DockerContainerEngine(dockerHost)) {
            for (ContainerInfo c : engine.listByLabel(SandboxRunner.LABEL_SANDBOX)) {
                if (runnerId.equals(c.labels().get(SandboxRunner.LABEL_RUNNER))) {
                    engine.remove(c.id());
                }
            }
        }
    }
}
