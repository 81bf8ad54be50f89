package dev.berth.runner.agent;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs the real berth-agent binary on the host (not as PID 1) with its socket in a temp dir. */
final class AgentHarness implements AutoCloseable {
    static Path binary() {
        return Path.of(System.getProperty("berth.agent.binary", "../berth-agent/target/berth-agent")).toAbsolutePath();
    }

    static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    final Path dir;
    final Path socket;
    final Process process;
    final AgentClient client;

    AgentHarness(Path dir, String... entrypoint) throws IOException {
        this(dir, TOKEN, List.of(entrypoint));
    }

    /** An agent whose token file holds {@code token}; null: no token file (as in a sandbox made before tokens). */
    static AgentHarness withToken(Path dir, String token) throws IOException {
        return new AgentHarness(dir, token, List.of());
    }

    private AgentHarness(Path dir, String token, List<String> entrypoint) throws IOException {
        this.dir = dir;
        this.socket = dir.resolve("run/agent.sock");
        // the agent reads its token next to its socket, as in a sandbox (the runner writes it there)
        Files.createDirectories(socket.getParent());
        if (token != null) {
            Files.writeString(socket.getParent().resolve("agent.token"), token + "\n");
        }
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--socket", socket.toString()));
        if (!entrypoint.isEmpty()) {
            cmd.add("--");
            cmd.addAll(entrypoint);
        }
        this.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket) || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("agent died: " + Files.readString(dir.resolve("agent.log")));
        }
        this.client = new AgentClient(socket, token == null ? TOKEN : token, "harness", Duration.ofSeconds(5));
    }

    long rssKb() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Live (or zombie) processes whose process group is {@code pgid}. */
    static List<Long> processGroup(long pgid) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[2]) == pgid) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // process vanished
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the agent exits 0 when it has no entrypoint
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
