package dev.berth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.dockerjava.api.DockerClient;
import dev.berth.runner.RunnerSettings;
import dev.berth.runner.SandboxRunner;
import dev.berth.runner.docker.DockerContainerEngine;
import dev.berth.runner.engine.ContainerSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The warm-pool benchmark suite: what users quote, create() to the first command's result ({@code echo hi} done),
 * one at a time (create-run-delete rounds) and many at once, warm (served from a system warm pool) and cold, next
 * to the raw engine doing the same (create + start + exec of the same image through the engine API) in the same
 * run; then host memory per idle sandbox with many idle sandboxes, broken down into the engine's per-container
 * shim, the agent and the sandbox's own processes. Prints a table and writes JSON.
 */
final class WarmBench {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BUSYBOX = "{\"snapshot\":\"berth/busybox\"}";
    private static final int SEQUENTIAL_POOL = 5;
    private static final int SPACED_ROUNDS = 50;
    private static final int QUIET_BUSY_PERCENT = 10;
    private static final Duration QUIET_WAIT = Duration.ofSeconds(20);

    private final HttpClient http;
    private final String url;
    private final String key;
    private final DockerContainerEngine engine;
    private final Map<String, Object> results = new LinkedHashMap<>();
    private final List<String> table = new ArrayList<>();
    private final CpuLedger ledger = new CpuLedger(Long.getLong("berth.bench.serverPid", 0));

    WarmBench(HttpClient http, String url, String key, DockerContainerEngine engine) {
        this.http = http;
        this.url = url;
        this.key = key;
        this.engine = engine;
    }

    /** One create-to-first-command measurement. */
    private record Round(String id, double ms, double createMs, boolean fromPool) {
    }

    void run(int rounds, int burst, int idle, Path json) throws Exception {
        // the admin organization's quota must hold the burst and the idle sandboxes
        Round first = berthRound(BUSYBOX);
        String org = send("GET", "/api/sandbox/" + first.id(), null).get("organizationId").asText();
        delete(first.id());
        send("PATCH", "/api/admin/organizations/" + org + "/quota", "{\"totalCpuQuota\":100000,"
                + "\"totalMemoryQuota\":100000,\"totalDiskQuota\":1000000,\"maxSandboxes\":100000}");
        results.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors()));
        System.out.println("warm-up: 20 cold rounds (the server's JIT), not counted");
        for (int i = 0; i < 20; i++) {
            delete(berthRound(BUSYBOX).id());
        }

        // ---- one at a time: cold and raw interleaved, then warm
        System.out.printf("one at a time: %d cold and raw rounds, interleaved%n", rounds);
        List<Double> cold = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            raw.add(rawRound());
            Round r = berthRound(BUSYBOX);
            cold.add(r.ms());
            delete(r.id());
        }
        JsonNode pool = send("POST", "/api/admin/warm-pools", "{\"snapshot\":\"berth/busybox\",\"pool\":"
                + SEQUENTIAL_POOL + "}");
        String poolId = pool.get("id").asText();
        awaitPoolSize(poolId, SEQUENTIAL_POOL, Duration.ofMinutes(3));
        System.out.println("warm-up: 30 warm rounds (the claim path's JIT), not counted");
        for (int i = 0; i < 30; i++) {
            delete(berthRound(BUSYBOX).id());
        }
        awaitPoolSize(poolId, SEQUENTIAL_POOL, Duration.ofMinutes(3));
        System.out.printf("one at a time: %d warm rounds (a system pool of %d)%n", rounds, SEQUENTIAL_POOL);
        List<Round> warm = new ArrayList<>();
        int hits = 0;
        CpuLedger.Reading before = CpuLedger.read();
        long roundsStart = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            Round r = berthRound(BUSYBOX);
            warm.add(r);
            hits += r.fromPool() ? 1 : 0;
            delete(r.id());
        }
        double roundsS = (System.nanoTime() - roundsStart) / 1e9;
        Map<String, Double> cpu = ledger.between(before, CpuLedger.read());
        // the floor any create -> first command pays here: one request that reads the sandbox, then the command,
        // on a sandbox that is already started (the same HTTP client, auth, database read and agent call)
        Round kept = berthRound(BUSYBOX);
        List<Double> floor = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            floor.add(floorRound(kept.id()));
        }
        delete(kept.id());
        // the same rounds with nothing else running: each starts once the pool is full again and the host is quiet
        // (what Berth's own path costs here when no container start or removal shares the cores with it)
        int spacedRounds = Math.min(rounds, SPACED_ROUNDS);
        System.out.printf("one at a time, spaced: %d warm rounds, each once the pool is full and the host quiet%n",
                spacedRounds);
        List<Round> spaced = new ArrayList<>();
        int spacedHits = 0;
        int notQuiet = 0;
        for (int i = 0; i < spacedRounds; i++) {
            awaitPoolSize(poolId, SEQUENTIAL_POOL, Duration.ofMinutes(3));
            notQuiet += awaitQuietHost() ? 0 : 1;
            Round r = berthRound(BUSYBOX);
            spaced.add(r);
            spacedHits += r.fromPool() ? 1 : 0;
            delete(r.id());
        }
        row("warm, one at a time (create-run-delete)", warm.stream().map(Round::ms).toList(), hits);
        row("  warm: create() answered, one at a time", warm.stream().map(Round::createMs).toList(), -1);
        row("  floor: get + first command, started sandbox", floor, -1);
        row("warm, one at a time, spaced (host quiet)", spaced.stream().map(Round::ms).toList(), spacedHits);
        row("  spaced: create() answered", spaced.stream().map(Round::createMs).toList(), -1);
        row("cold, one at a time (create-run-delete)", cold, 0);
        row("raw engine, one at a time", raw, -1);

        // ---- a burst: the pool holds the whole burst first
        send("PATCH", "/api/admin/warm-pools/" + poolId, "{\"pool\":" + burst + "}");
        long fill = System.nanoTime();
        awaitPoolSize(poolId, burst, Duration.ofMinutes(15));
        double fillS = (System.nanoTime() - fill) / 1e9;
        System.out.printf("pool filled to %d in %.1f s; %d creates at once, warm%n", burst, fillS, burst);
        results.put("poolFillSeconds", fillS);
        CpuLedger.Reading burstBefore = CpuLedger.read();
        long burstStart = System.nanoTime();
        List<Round> warmBurst = burst(burst, () -> berthRound(BUSYBOX));
        double burstS = (System.nanoTime() - burstStart) / 1e9;
        Map<String, Double> burstCpu = ledger.between(burstBefore, CpuLedger.read());
        send("DELETE", "/api/admin/warm-pools/" + poolId, null);
        System.out.printf("the floor: get + first command on the %d started sandboxes, all at once%n", burst);
        List<Double> burstFloor = new ArrayList<>();
        java.util.Iterator<Round> started = warmBurst.iterator();
        for (Future<Double> f : all(burst, () -> {
            String id;
            synchronized (started) {
                id = started.next().id();
            }
            return floorRound(id);
        })) {
            burstFloor.add(f.get());
        }
        deleteAll(warmBurst.stream().map(Round::id).toList());
        awaitNoContainers(Duration.ofMinutes(10));
        System.out.printf("%d creates at once, cold; then the raw engine%n", burst);
        List<Round> coldBurst = burst(burst, () -> berthRound(BUSYBOX));
        deleteAll(coldBurst.stream().map(Round::id).toList());
        List<Double> rawBurst = rawBurst(burst);
        awaitNoContainers(Duration.ofMinutes(10));
        row("warm, " + burst + " at once", warmBurst.stream().map(Round::ms).toList(),
                (int) warmBurst.stream().filter(Round::fromPool).count());
        row("  warm: create() answered, " + burst + " at once", warmBurst.stream().map(Round::createMs).toList(), -1);
        row("  floor: get + first command, " + burst + " at once", burstFloor, -1);
        row("cold, " + burst + " at once", coldBurst.stream().map(Round::ms).toList(), 0);
        row("raw engine, " + burst + " at once", rawBurst, -1);

        Stats c1 = Stats.of(cold);
        Stats r1 = Stats.of(raw);
        Stats cb = Stats.of(coldBurst.stream().map(Round::ms).toList());
        Stats rb = Stats.of(rawBurst);
        results.put("coldOverRaw", Map.of("oneAtATimeP50", c1.p50() / r1.p50(), "oneAtATimeP99", c1.p99() / r1.p99(),
                "burstP50", cb.p50() / rb.p50(), "burstP99", cb.p99() / rb.p99()));

        System.out.println();
        System.out.println("create() -> first command (\"echo hi\" done), through the HTTP API");
        System.out.printf("%-44s %5s %9s %9s %9s %6s%n", "scenario", "n", "p50 ms", "p99 ms", "mean ms", "hits");
        table.forEach(System.out::println);
        System.out.printf("cold / raw engine: one at a time p50 %.2fx p99 %.2fx; %d at once p50 %.2fx p99 %.2fx%n",
                c1.p50() / r1.p50(), c1.p99() / r1.p99(), burst, cb.p50() / rb.p50(), cb.p99() / rb.p99());
        Stats w1 = Stats.of(warm.stream().map(Round::ms).toList());
        Stats f1 = Stats.of(floor);
        Stats wb = Stats.of(warmBurst.stream().map(Round::ms).toList());
        Stats fb = Stats.of(burstFloor);
        results.put("warmOverFloor", Map.of("oneAtATimeP50", w1.p50() / f1.p50(), "oneAtATimeP99", w1.p99() / f1.p99(),
                "burstP50", wb.p50() / fb.p50(), "burstP99", wb.p99() / fb.p99()));
        System.out.printf("warm / floor: one at a time p50 %.2fx p99 %.2fx; %d at once p50 %.2fx p99 %.2fx%n",
                w1.p50() / f1.p50(), w1.p99() / f1.p99(), burst, wb.p50() / fb.p50(), wb.p99() / fb.p99());
        System.out.println("quoted elsewhere (one at a time / 100 at once, p50/p99 ms): Daytona 186/560, 367/741; "
                + "E2B 491/740, 822/1048");
        printCpu("cpuPerWarmRoundMs", "warm create-run-delete round, one at a time", cpu, rounds, roundsS);
        printCpu("cpuPerWarmBurstRoundMs", "create + first command of the warm burst of " + burst, burstCpu, burst,
                burstS);
        results.put("spacedRoundsStartedOnABusyHost", notQuiet);
        if (notQuiet > 0) {
            System.out.printf("(%d of %d spaced rounds started without the host becoming quiet within %d s)%n",
                    notQuiet, spacedRounds, QUIET_WAIT.toSeconds());
        }
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));

        // ---- memory of idle sandboxes
        if (idle <= 0) {
            System.out.println("idle memory: not measured (idle = 0)");
            System.out.println("JSON: " + json.toAbsolutePath());
            return;
        }
        Map<String, Object> memory = idleMemory(idle);
        results.put("idleMemory", memory);
        System.out.printf("idle memory per sandbox (%s idle): %.2f MiB = shim %.2f + agent %.2f + sandbox processes "
                + "%.2f + kernel and page cache in its cgroup %.2f + engine daemons' growth %.2f; host MemAvailable "
                + "drop %.2f MiB per sandbox%n", memory.get("sandboxes"), memory.get("totalMiB"), memory.get("shimMiB"),
                memory.get("agentMiB"), memory.get("sandboxProcessesMiB"), memory.get("cgroupOtherMiB"),
                memory.get("daemonsMiB"), memory.get("hostAvailableDropMiB"));
        Files.writeString(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(results));
        System.out.println("JSON: " + json.toAbsolutePath());
    }

    /**
     * Where the host's CPU went while {@code n} rounds ran ({@code seconds}), per round: in create-run-delete rounds
     * the container start that refills the pool and the removal of the deleted sandbox share the cores with the claim
     * and the first command.
     */
    private void printCpu(String key, String what, Map<String, Double> cpu, int n, double seconds) {
        double busy = cpu.get("host busy");
        double share = busy / cpu.get("host total");
        Map<String, Object> perRound = new LinkedHashMap<>();
        StringBuilder parts = new StringBuilder();
        for (String g : CpuLedger.GROUPS) {
            perRound.put(g, cpu.get(g) / n);
            parts.append(String.format("%n  %-58s %7.1f", g, cpu.get(g) / n));
        }
        perRound.put("host busy", busy / n);
        perRound.put("host busy share", share);
        perRound.put("seconds", seconds);
        results.put(key, perRound);
        System.out.printf("CPU per %s, ms (%d in %.1f s; the host's %d cores %.0f%% busy, %.1f ms busy per round):%s%n",
                what, n, seconds, Runtime.getRuntime().availableProcessors(), 100 * share, busy / n, parts);
    }

    /**
     * Waits until the host's CPUs were at most {@value #QUIET_BUSY_PERCENT}% busy over one poll interval (100 ms),
     * for at most {@link #QUIET_WAIT}; false when it never was.
     */
    private static boolean awaitQuietHost() throws IOException {
        CpuLedger.Reading[] last = {CpuLedger.hostOnly()};
        try {
            Awaitility.await().atMost(QUIET_WAIT).pollDelay(Duration.ofMillis(100)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        CpuLedger.Reading now = CpuLedger.hostOnly();
                        CpuLedger.Reading prev = last[0];
                        last[0] = now;
                        long total = now.total() - prev.total();
                        return total > 0 && 100 * (now.busy() - prev.busy()) <= QUIET_BUSY_PERCENT * total;
                    });
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private void row(String label, List<Double> ms, int hits) {
        Stats s = Stats.of(ms);
        table.add(String.format("%-44s %5d %9.1f %9.1f %9.1f %6s", label, s.n(), s.p50(), s.p99(), s.mean(),
                hits < 0 ? "-" : String.valueOf(hits)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", s.n());
        m.put("p50Ms", s.p50());
        m.put("p99Ms", s.p99());
        m.put("meanMs", s.mean());
        if (hits >= 0) {
            m.put("poolHits", hits);
        }
        results.put(label, m);
    }

    private Round berthRound(String body) throws Exception {
        long t0 = System.nanoTime();
        JsonNode sb = send("POST", "/api/sandbox", body);
        double createMs = (System.nanoTime() - t0) / 1e6;
        String id = sb.get("id").asText();
        JsonNode r = send("POST", "/api/toolbox/" + id + "/process/execute", "{\"command\":\"echo hi\"}");
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!"hi".equals(r.get("result").asText().trim())) {
            throw new IllegalStateException("unexpected execute result: " + r);
        }
        return new Round(id, ms, createMs, sb.hasNonNull("warmPoolId"));
    }

    /** GET of a started sandbox, then the same first command: what the API costs with no create at all. */
    private double floorRound(String id) throws Exception {
        long t0 = System.nanoTime();
        send("GET", "/api/sandbox/" + id, null);
        JsonNode r = send("POST", "/api/toolbox/" + id + "/process/execute", "{\"command\":\"echo hi\"}");
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!"hi".equals(r.get("result").asText().trim())) {
            throw new IllegalStateException("unexpected execute result: " + r);
        }
        return ms;
    }

    private static ContainerSpec rawSpec(String name) {
        return new ContainerSpec(name, "berth/busybox:latest",
                List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done"), List.of(),
                Map.of(), Map.of("berth.bench", "raw"), 1_000_000_000L, 1L << 30, 1024, RunnerSettings.DEFAULT_CAPS,
                List.of(), null, "bench", "bridge");
    }

    private double rawRound() throws Exception {
        String name = "berth-bench-raw-" + UUID.randomUUID();
        DockerClient docker = engine.client();
        long t0 = System.nanoTime();
        engine.createAndStart(rawSpec(name));
        Bench.rawExec(docker, name);
        double ms = (System.nanoTime() - t0) / 1e6;
        engine.remove(name);
        return ms;
    }

    private List<Double> rawBurst(int n) throws Exception {
        List<String> names = new ArrayList<>();
        List<Double> out = new ArrayList<>();
        try {
            for (Future<Double> f : all(n, () -> {
                String name = "berth-bench-raw-" + UUID.randomUUID();
                synchronized (names) {
                    names.add(name);
                }
                long t0 = System.nanoTime();
                engine.createAndStart(rawSpec(name));
                Bench.rawExec(engine.client(), name);
                return (System.nanoTime() - t0) / 1e6;
            })) {
                out.add(f.get());
            }
        } finally {
            parallel(names, engine::remove);
        }
        return out;
    }

    private List<Round> burst(int n, Callable<Round> round) throws Exception {
        List<Round> out = new ArrayList<>();
        for (Future<Round> f : all(n, round)) {
            out.add(f.get());
        }
        return out;
    }

    /** Runs {@code n} calls at once (released together) and returns their futures, all done. */
    private static <T> List<Future<T>> all(int n, Callable<T> call) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(threads.submit(() -> {
                go.await();
                return call.call();
            }));
        }
        go.countDown();
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.MINUTES);
        return futures;
    }

    private interface Action {
        void on(String id) throws Exception;
    }

    private static void parallel(List<String> ids, Action action) throws InterruptedException {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        for (String id : ids) {
            threads.submit(() -> {
                action.on(id);
                return null;
            });
        }
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.MINUTES);
    }

    private void delete(String id) throws Exception {
        send("DELETE", "/api/sandbox/" + id, null);
    }

    private void deleteAll(List<String> ids) throws InterruptedException {
        parallel(ids, this::delete);
    }

    private void awaitPoolSize(String poolId, int size, Duration max) {
        String[] said = {null};
        Awaitility.await("warm pool " + poolId + " holds " + size).atMost(max).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (JsonNode p : send("GET", "/api/warm-pools", null)) {
                        if (p.get("id").asText().equals(poolId)) {
                            String error = p.hasNonNull("errorReason") ? p.get("errorReason").asText() : null;
                            if (error != null && !error.equals(said[0])) {
                                System.out.println("  the pool says: " + error); // why it is short, once per reason
                            }
                            said[0] = error;
                            return p.get("currentSize").asInt() >= size;
                        }
                    }
                    throw new IllegalStateException("warm pool " + poolId + " is gone");
                });
    }

    /** Waits until the bench engine runs no container (pool sandboxes of a deleted pool go asynchronously). */
    private void awaitNoContainers(Duration max) {
        Awaitility.await("no containers left").atMost(max).pollInterval(Duration.ofMillis(200))
                .until(() -> engine.client().listContainersCmd().withShowAll(true).exec().isEmpty());
    }

    // ---- memory

    private Map<String, Object> idleMemory(int n) throws Exception {
        long availBefore = memAvailableKiB();
        double daemonsBefore = pssOfComm("dockerd", "containerd");
        List<String> ids = new ArrayList<>();
        System.out.printf("creating %d idle sandboxes%n", n);
        try {
            String stopped = null;
            for (int i = 0; i < n && stopped == null; i++) {
                try {
                    ids.add(send("POST", "/api/sandbox", BUSYBOX).get("id").asText());
                } catch (IllegalStateException e) {
                    stopped = e.getMessage(); // measured with what could be made, and said
                    System.out.println("  create " + (i + 1) + " failed: " + stopped);
                }
            }
            n = ids.size();
            // start-up allocations and page cache settle: read once the engine's and host's figures stop moving
            // (two readings 2 s apart within 1 MiB), at most a minute
            long[] last = {memAvailableKiB()};
            Awaitility.await("idle memory settled").atMost(Duration.ofMinutes(1)).pollDelay(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofSeconds(2)).until(() -> {
                        long now = memAvailableKiB();
                        boolean settled = Math.abs(now - last[0]) < 1024;
                        last[0] = now;
                        return settled;
                    });
            long availAfter = memAvailableKiB();
            double daemonsAfter = pssOfComm("dockerd", "containerd");
            double shim = pssOfComm("containerd-shim");
            double agent = 0;
            double others = 0;
            double cgroup = 0;
            for (String id : ids) {
                long pid = engine.client().inspectContainerCmd(SandboxRunner.containerName(id)).exec().getState()
                        .getPidLong();
                MemoryCgroup cg = cgroupOf(pid);
                cgroup += Long.parseLong(Files.readString(cg.dir().resolve(cg.usageFile())).trim()) / 1024.0;
                for (String p : Files.readAllLines(cg.dir().resolve("cgroup.procs"))) {
                    if (p.isBlank()) {
                        continue;
                    }
                    long proc = Long.parseLong(p.trim());
                    String name = comm(proc);
                    if (name.equals("agent") || name.startsWith("berth-agent")) { // /.berth/agent, the sandbox's init
                        agent += pssKiB(proc);
                    } else {
                        others += pssKiB(proc);
                    }
                }
            }
            double perSandbox = 1024.0 * n;
            double daemons = Math.max(0, daemonsAfter - daemonsBefore);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sandboxes", n);
            if (stopped != null) {
                m.put("createsStoppedBy", stopped);
            }
            m.put("shimMiB", shim / perSandbox);
            m.put("agentMiB", agent / perSandbox);
            m.put("sandboxProcessesMiB", others / perSandbox);
            m.put("cgroupMiB", cgroup / perSandbox);
            m.put("cgroupOtherMiB", Math.max(0, cgroup - agent - others) / perSandbox);
            m.put("daemonsMiB", daemons / perSandbox);
            m.put("totalMiB", (shim + cgroup + daemons) / perSandbox);
            m.put("hostAvailableDropMiB", (availBefore - availAfter) / perSandbox);
            return m;
        } finally {
            deleteAll(ids);
        }
    }

    /** The memory cgroup of a process and its usage file: cgroup v1 (this machine) or v2. */
    private record MemoryCgroup(Path dir, String usageFile) {
    }

    private static MemoryCgroup cgroupOf(long pid) throws IOException {
        String v2 = null;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f.length == 3 && java.util.Arrays.asList(f[1].split(",")).contains("memory")) {
                return new MemoryCgroup(Path.of("/sys/fs/cgroup/memory" + f[2]), "memory.usage_in_bytes");
            }
            if (f.length == 3 && f[0].equals("0") && f[1].isEmpty()) {
                v2 = f[2];
            }
        }
        if (v2 != null) {
            return new MemoryCgroup(Path.of("/sys/fs/cgroup" + v2), "memory.current");
        }
        throw new IllegalStateException("process " + pid + " has no memory cgroup");
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    /** Proportional set size: shared pages divided among the processes sharing them. */
    private static double pssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended meanwhile
        }
        return 0;
    }

    /** Summed PSS of processes whose name is one of {@code names}, or starts with one ending in "shim". */
    private static double pssOfComm(String... names) throws IOException {
        double sum = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                String c = comm(pid);
                for (String name : names) {
                    if (c.equals(name) || (name.endsWith("shim") && c.startsWith(name))) {
                        sum += pssKiB(pid);
                        break;
                    }
                }
            }
        }
        return sum;
    }

    private static long memAvailableKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        return Bench.send(http, url, key, method, path, body, Duration.ofMinutes(5));
    }
}
