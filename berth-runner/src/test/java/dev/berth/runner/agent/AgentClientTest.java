package dev.berth.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real behaviour against the agent binary running on the host (no Docker). */
class AgentClientTest {
    private static final Duration T = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;

    static AgentHarness agent;
    static AgentClient client;

    @BeforeAll
    static void start() throws IOException {
        assertThat(AgentHarness.binary()).as("build berth-agent first (make -C berth-agent)").isExecutable();
        agent = new AgentHarness(Files.createDirectories(tmp.resolve("agent")));
        client = agent.client;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        agent.close();
        assertThat(agent.process.exitValue()).isZero();
    }

    @Test
    void socketIsPrivateAndPingWorks() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(agent.socket))).isEqualTo("rw-------");
        assertThat(client.ping()).startsWith("berth-agent/");
    }

    @Test
    void execEchoAndExitCodes() throws Exception {
        ExecResult r = client.exec(ExecRequest.of("echo", "hello", "world"), T);
        assertThat(r.stdoutText()).isEqualTo("hello world\n");
        assertThat(r.exitCode()).isZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(client.exec(ExecRequest.shell("exit 42"), T).exitCode()).isEqualTo(42);
    }

    @Test
    void aDetachedProcessOutlivesItsConnectionAndANormalOneDoesNot() throws Exception {
        int detached = client.startDetached(ExecRequest.shell("echo ready; exec sleep 300"));
        // a normal spawn whose connection is dropped is killed with its process group
        AgentProcess normal = client.spawn(ExecRequest.shell("exec sleep 301"), new ProcessListener() {
            @Override
            public void onStdout(byte[] data) {
            }

            @Override
            public void onStderr(byte[] data) {
            }

            @Override
            public void onExit(ExitStatus status) {
            }

            @Override
            public void onError(AgentException error) {
            }
        });
        int killed = normal.pid();
        normal.close();
        await().atMost(T).until(() -> client.exec(ExecRequest.of("kill", "-0", Integer.toString(killed)), T)
                .exitCode() != 0);
        assertThat(client.exec(ExecRequest.of("kill", "-0", Integer.toString(detached)), T).exitCode())
                .as("the detached process still runs").isZero();
        client.exec(ExecRequest.of("kill", "-9", Integer.toString(detached)), T);

        AgentException exited = org.junit.jupiter.api.Assertions.assertThrows(AgentException.class,
                () -> client.startDetached(ExecRequest.shell("echo nope >&2; exit 3")));
        assertThat(exited.getMessage()).contains("exited with code 3", "nope");
        assertThatThrownBy(() -> client.startDetached(ExecRequest.shell("true").withTty(80, 24)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDetachedTerminalTakesOneAttachmentAtATimeAndIsResizedFromAnyConnection() throws Exception {
        StringBuffer first = new StringBuffer();
        AgentProcess a = client.startTerminal(ExecRequest.of("/bin/sh").withTty(80, 24), text(first));
        int pid = a.pid();
        a.writeStdin("X=kept; echo set-$X\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(T).until(() -> first.toString().contains("set-kept"));
        AgentException busy = org.junit.jupiter.api.Assertions.assertThrows(AgentException.class,
                () -> client.attachTerminal(pid, text(new StringBuffer())));
        assertThat(busy.errno()).as("EBUSY").isEqualTo(16);
        client.resizeTerminal(pid, 101, 31);
        a.close(); // detaches: the shell keeps running

        StringBuffer second = new StringBuffer();
        AgentProcess b = await().atMost(T).ignoreExceptions().until(() -> client.attachTerminal(pid, text(second)),
                p -> p != null);
        b.writeStdin("echo again-$X; stty size; exit 4\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(T).until(() -> second.toString().contains("31 101") && second.toString().contains("again-kept"));
        assertThat(b.awaitExit(T).orElseThrow().exitCode()).isEqualTo(4);
        AgentException gone = org.junit.jupiter.api.Assertions.assertThrows(AgentException.class,
                () -> client.attachTerminal(pid, text(new StringBuffer())));
        assertThat(gone.errno()).as("ESRCH").isEqualTo(3);
        assertThatThrownBy(() -> client.resizeTerminal(pid, 80, 24)).isInstanceOf(AgentException.class);
    }

    private static ProcessListener text(StringBuffer out) {
        return new ProcessListener() {
            @Override
            public void onStdout(byte[] data) {
                out.append(new String(data, StandardCharsets.UTF_8));
            }

            @Override
            public void onStderr(byte[] data) {
                out.append(new String(data, StandardCharsets.UTF_8));
            }

            @Override
            public void onExit(ExitStatus status) {
            }

            @Override
            public void onError(AgentException error) {
            }
        };
    }

    @Test
    void stderrIsSeparate() throws Exception {
        ExecResult r = client.exec(ExecRequest.shell("echo out; echo err >&2"), T);
        assertThat(r.stdoutText()).isEqualTo("out\n");
        assertThat(r.stderrText()).isEqualTo("err\n");
    }

    @Test
    void stdinIsFedAndClosed() throws Exception {
        byte[] in = new byte[300_000];
        new Random(1).nextBytes(in);
        ExecResult r = client.exec(ExecRequest.of("sha256sum"), in, T);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in));
        assertThat(r.stdoutText()).startsWith(expected);
        // a large echo through cat exercises backpressure in both directions
        ExecResult cat = client.exec(ExecRequest.of("cat"), in, T);
        assertThat(cat.stdout()).isEqualTo(in);
    }

    @Test
    void envCwdAndReplace() throws Exception {
        ExecResult r = client.exec(ExecRequest.shell("echo $FOO:$PWD:${HOME:-none}").withCwd("/tmp")
                .withEnv(Map.of("FOO", "bar")), T);
        assertThat(r.stdoutText()).startsWith("bar:/tmp:");
        ExecResult rep = client.exec(ExecRequest.of("env").withReplaceEnv(true).withEnv(Map.of("ONLY", "1")), T);
        assertThat(rep.stdoutText().lines().collect(Collectors.toSet())).containsExactlyInAnyOrder(
                "ONLY=1", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }

    @Test
    void userSwitchByUid() throws Exception {
        ExecResult r = client.exec(ExecRequest.of("id", "-u").withUser("4321"), T);
        assertThat(r.stdoutText().trim()).isEqualTo("4321");
    }

    @Test
    void spawnErrorsAreReported() {
        assertThatThrownBy(() -> client.exec(ExecRequest.of("no-such-command-xyz"), T))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(AgentErrorCode.EXEC_FAILED);
                    assertThat(e.errno()).isEqualTo(2);
                });
        assertThatThrownBy(() -> client.exec(ExecRequest.of("true").withCwd("/no/such/dir"), T))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.getMessage()).contains("chdir"));
        assertThatThrownBy(() -> client.exec(ExecRequest.of("true").withUser("no-such-user-xyz"), T))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.getMessage()).contains("user"));
    }

    @Test
    void timeoutKillsWholeProcessGroup() throws Exception {
        long t0 = System.nanoTime();
        ExecResult r = client.exec(ExecRequest.shell("sleep 100 & sleep 100"), Duration.ofMillis(500));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.status().signal()).isEqualTo(9);
        assertThat(r.exitCode()).isEqualTo(137);
        await().atMost(Duration.ofSeconds(5)).until(() -> AgentHarness.processGroup(r.pid()).isEmpty());
    }

    @Test
    void disconnectKillsProcessGroup() throws Exception {
        AgentProcess p = client.spawn(ExecRequest.shell("sleep 100 & sleep 100"), new ProcessListener() {});
        await().atMost(Duration.ofSeconds(5)).until(() -> AgentHarness.processGroup(p.pid()).size() >= 2);
        p.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> AgentHarness.processGroup(p.pid()).isEmpty());
    }

    @Test
    void backgroundChildSurvivesNormalExit() throws Exception {
        // like docker exec: a finished command's background children are not killed
        ExecResult r = client.exec(ExecRequest.shell("sleep 30 >/dev/null 2>&1 & echo $!"), T);
        long bg = Long.parseLong(r.stdoutText().trim());
        assertThat(Files.exists(Path.of("/proc/" + bg))).isTrue();
        client.exec(ExecRequest.of("kill", "-9", Long.toString(bg)), T);
    }

    @Test
    void signalsReachTheProcessGroup() throws Exception {
        AgentProcess p = client.spawn(ExecRequest.of("sleep", "100"), new ProcessListener() {});
        p.signal(15);
        ExitStatus st = p.awaitExit(T).orElseThrow();
        assertThat(st.signal()).isEqualTo(15);
        assertThat(st.exitCode()).isEqualTo(143);
    }

    @Test
    void streamingStdinAndOutput() throws Exception {
        StringBuffer out = new StringBuffer();
        AgentProcess p = client.spawn(ExecRequest.of("cat"), new ProcessListener() {
            @Override
            public void onStdout(byte[] data) {
                out.append(new String(data, StandardCharsets.UTF_8));
            }
        });
        p.writeStdin("ping\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(T).until(() -> out.toString().equals("ping\n"));
        p.writeStdin("pong\n".getBytes(StandardCharsets.UTF_8));
        p.closeStdin();
        assertThat(p.awaitExit(T).orElseThrow().exitCode()).isZero();
        assertThat(out.toString()).isEqualTo("ping\npong\n");
    }

    @Test
    void ptyRoundTripWithResize() throws Exception {
        StringBuffer out = new StringBuffer();
        AgentProcess p = client.spawn(ExecRequest.of("/bin/sh").withTty(80, 24), new ProcessListener() {
            @Override
            public void onStdout(byte[] data) {
                out.append(new String(data, StandardCharsets.UTF_8));
            }
        });
        p.writeStdin("[ -t 0 ] && echo IS_A_TTY; stty size\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(T).until(() -> out.toString().contains("24 80"));
        assertThat(out.toString()).contains("IS_A_TTY");
        p.resize(100, 30);
        p.writeStdin("stty size\n".getBytes(StandardCharsets.UTF_8));
        await().atMost(T).until(() -> out.toString().contains("30 100"));
        p.writeStdin("exit 7\n".getBytes(StandardCharsets.UTF_8));
        assertThat(p.awaitExit(T).orElseThrow().exitCode()).isEqualTo(7);
    }

    @Test
    void concurrentExecs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<ExecResult>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                fs.add(pool.submit(() -> client.exec(ExecRequest.of("echo", "n" + n), T)));
            }
            for (int i = 0; i < fs.size(); i++) {
                assertThat(fs.get(i).get().stdoutText()).isEqualTo("n" + i + "\n");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Deterministic pseudo-random stream of {@code size} bytes, never materialized. */
    private static InputStream randomStream(long size, long seed) {
        return new InputStream() {
            final Random rnd = new Random(seed);
            final byte[] block = new byte[8192];
            long left = size;
            int pos = block.length;

            @Override
            public int read() {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                if (pos == block.length) {
                    rnd.nextBytes(block);
                    pos = 0;
                }
                int n = (int) Math.min(Math.min(len, block.length - pos), left);
                System.arraycopy(block, pos, b, off, n);
                pos += n;
                left -= n;
                return n;
            }
        };
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[32768];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void fiftyMegabyteRoundTripIsStreamed() throws Exception {
        long size = 50L << 20;
        String path = tmp.resolve("agent/big.bin").toString();
        String expected = sha256(randomStream(size, 42));
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        client.write(path, randomStream(size, 42), 0640);
        FileInfo info = client.stat(path);
        assertThat(info.size()).isEqualTo(size);
        assertThat(info.mode()).isEqualTo(0640);
        try (ReadStream in = client.openRead(path)) {
            assertThat(in.info().size()).isEqualTo(size);
            assertThat(sha256(in)).isEqualTo(expected);
        }
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        // nothing of the size of the file is retained (generous bound; the file is 50 MiB)
        assertThat(after - before).isLessThan(40L << 20);
        try (ReadStream in = client.openRead(path, 10, 5)) {
            assertThat(in.readAllBytes()).hasSize(5);
        }
    }

    @Test
    void fileOperations() throws Exception {
        String base = tmp.resolve("agent/ops").toString();
        client.mkdir(base + "/a/b/c", 0750, true);
        client.mkdir(base + "/a/b/c", 0750, true); // idempotent with parents
        assertThatThrownBy(() -> client.mkdir(base + "/a", 0755, false))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FILE_ALREADY_EXISTS));
        assertThat(client.stat(base + "/a/b/c").mode()).isEqualTo(0750);
        client.write(base + "/a/f.txt", InputStream.nullInputStream(), 0600);
        client.write(base + "/x/y/z.txt", new java.io.ByteArrayInputStream("hi".getBytes()), 0644, true, "1234", "4321");
        FileInfo z = client.stat(base + "/x/y/z.txt");
        assertThat(z.uid()).isEqualTo(1234);
        assertThat(z.gid()).isEqualTo(4321);
        assertThat(z.size()).isEqualTo(2);
        Files.createSymbolicLink(Path.of(base, "a", "link"), Path.of("/"));

        List<FileInfo> entries = client.list(base + "/a");
        assertThat(entries).extracting(FileInfo::name).containsExactlyInAnyOrder("b", "f.txt", "link");
        FileInfo link = entries.stream().filter(e -> e.name().equals("link")).findFirst().orElseThrow();
        assertThat(link.type()).isEqualTo(FileType.SYMLINK);
        assertThat(link.linkTarget()).isEqualTo("/");
        assertThat(client.stat(base + "/a/link", false).isSymlink()).isTrue();
        assertThat(client.stat(base + "/a/link").isDirectory()).isTrue();
        assertThat(client.stat("/").owner()).isEqualTo("root");
        assertThat(client.stat(base + "/a/f.txt").modifiedAt()).isNotNull();

        client.chmod(base + "/a/f.txt", 0755);
        assertThat(client.stat(base + "/a/f.txt").mode()).isEqualTo(0755);
        client.chown(base + "/a/f.txt", "2000", "3000");
        assertThat(client.stat(base + "/a/f.txt").uid()).isEqualTo(2000);
        client.chown(base + "/a/f.txt", "root", null);
        assertThat(client.stat(base + "/a/f.txt").uid()).isZero();

        client.move(base + "/a/f.txt", base + "/a/g.txt", false);
        assertThat(client.list(base + "/a")).extracting(FileInfo::name).contains("g.txt").doesNotContain("f.txt");
        client.write(base + "/a/h.txt", InputStream.nullInputStream(), 0644);
        assertThatThrownBy(() -> client.move(base + "/a/g.txt", base + "/a/h.txt", false))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FILE_ALREADY_EXISTS));

        assertThatThrownBy(() -> client.delete(base + "/a", false))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.DIRECTORY_NOT_EMPTY));
        client.delete(base + "/a", true); // must not follow the symlink to "/"
        assertThat(Files.exists(Path.of("/etc/passwd"))).isTrue();
        assertThat(Files.exists(Path.of(base, "a"))).isFalse();
        client.delete(base + "/x/y/z.txt", false);
        client.delete(base + "/x/y", false);
    }

    @Test
    void errorsAreMapped() {
        assertThatThrownBy(() -> client.stat("/no/such/file"))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(AgentErrorCode.FILE_NOT_FOUND);
                    assertThat(e.errno()).isEqualTo(2);
                });
        assertThatThrownBy(() -> client.openRead("/no/such/file"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FILE_NOT_FOUND));
        assertThatThrownBy(() -> client.openRead("/tmp"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.IS_A_DIRECTORY));
        assertThatThrownBy(() -> client.list("/etc/passwd"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.NOT_A_DIRECTORY));
        assertThatThrownBy(() -> client.stat("relative/path"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.INVALID_FILE_PATH));
        assertThatThrownBy(() -> client.write("/no/such/dir/f", InputStream.nullInputStream(), 0644))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.FILE_NOT_FOUND));
        assertThatThrownBy(() -> client.delete("/", true))
                .isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> new AgentClient(agent.dir.resolve("missing.sock"), AgentHarness.TOKEN, "harness", Duration.ofSeconds(1)).ping())
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.CONNECTION_FAILED));
    }

    @Test
    void memoryAtRestIsSmall() throws Exception {
        // run a burst of work first, then the agent must return to a small idle footprint
        client.exec(ExecRequest.shell("head -c 3000000 /dev/zero"), T);
        try (ReadStream in = client.openRead("/proc/self/exe")) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        // the agent frees connection buffers (and trims the heap) right after the last frame was sent
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.rssKb() <= 1024);
        System.out.println("berth-agent VmRSS at rest: " + agent.rssKb() + " kB");
    }

    @Test
    void entrypointLogsAndFollow() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ep"));
        Path gate = dir.resolve("gate");
        try (AgentHarness ep = new AgentHarness(dir, "/bin/sh", "-c",
                "echo first; echo oops >&2; while [ ! -e " + gate + " ]; do sleep 0.05; done; echo last; exit 3")) {
            await().atMost(T).until(() -> ep.client.entrypointLogs().size() >= 2);
            List<LogChunk> snap = ep.client.entrypointLogs();
            assertThat(text(snap, LogStream.STDOUT)).isEqualTo("first\n");
            assertThat(text(snap, LogStream.STDERR)).isEqualTo("oops\n");

            ConcurrentLinkedQueue<LogChunk> got = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<ExitStatus> exits = new ConcurrentLinkedQueue<>();
            LogSubscription sub = ep.client.entrypointLogs(true, new LogListener() {
                @Override
                public void onLog(LogChunk chunk) {
                    got.add(chunk);
                }

                @Override
                public void onExit(ExitStatus status) {
                    exits.add(status);
                }
            });
            Files.createFile(gate);
            assertThat(sub.awaitEnd(T)).isTrue();
            assertThat(text(List.copyOf(got), LogStream.STDOUT)).isEqualTo("first\nlast\n");
            assertThat(exits).singleElement().extracting(ExitStatus::exitCode).isEqualTo(3);
            // keep-alive default: the agent still serves after the entrypoint exited
            assertThat(ep.client.ping()).startsWith("berth-agent/");
        }
    }

    private static String text(List<LogChunk> chunks, LogStream s) {
        StringBuilder sb = new StringBuilder();
        chunks.stream().filter(c -> c.stream() == s).forEach(c -> sb.append(new String(c.data(), StandardCharsets.UTF_8)));
        return sb.toString();
    }
}
