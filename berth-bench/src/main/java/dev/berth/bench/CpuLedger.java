package dev.berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the host's CPU went between two readings of {@code /proc}, by who spent it: the container engine (its
 * daemons, and what the init process reaped: the per-container shims that exit with their containers and the
 * runc calls they made), the Berth server (itself, and its short-lived children such as {@code nft}), the sandboxes
 * (each one's agent and the commands it ran), the bench's own client, kernel threads and the rest of the host.
 * A process counts with the CPU of the children it reaped ({@code cutime + cstime}), so what ended between the
 * readings is not lost; a process that ended counts its whole life in its parent (a little more than the interval).
 */
final class CpuLedger {

    /** The groups, in the order they are printed. */
    static final String ENGINE = "engine daemons and live shims";
    static final String REAPED = "engine: ended shims and their runc calls (reaped by init)";
    static final String SERVER = "Berth server";
    static final String SERVER_CHILDREN = "Berth server's children (nft)";
    static final String SANDBOXES = "sandboxes (agent and commands)";
    static final String CLIENT = "bench client";
    static final String KERNEL = "kernel threads";
    static final String OTHER = "other";
    static final String[] GROUPS = {ENGINE, REAPED, SERVER, SERVER_CHILDREN, SANDBOXES, CLIENT, KERNEL, OTHER};

    /** /proc counts in USER_HZ ticks, 100 a second on Linux whatever the kernel's own HZ. */
    private static final long TICK_NS = 1_000_000_000L / 100;

    /** One process's reading: its parent, name, start time, own CPU ticks and reaped children's ticks. */
    record Proc(long ppid, String comm, long start, long self, long children) {
    }

    /** One reading of the host: busy and total ticks of all CPUs, and every process. */
    record Reading(long busy, long total, Map<Long, Proc> procs) {
    }

    private final long serverPid;
    private final long clientPid = ProcessHandle.current().pid();

    CpuLedger(long serverPid) {
        this.serverPid = serverPid;
    }

    static Reading read() throws IOException {
        Reading host = hostOnly();
        Map<Long, Proc> procs = new HashMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    Proc p = parse(Files.readString(d.resolve("stat")));
                    procs.put(Long.parseLong(d.getFileName().toString()), p);
                } catch (IOException | RuntimeException e) {
                    // it ended meanwhile: its parent's reaped time has it
                }
            }
        }
        return new Reading(host.busy(), host.total(), procs);
    }

    /** The host's busy and total ticks only (no processes). */
    static Reading hostOnly() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        long idle = 0;
        for (int i = 1; i < cpu.length && i <= 8; i++) {
            long v = Long.parseLong(cpu[i]);
            total += v;
            if (i == 4 || i == 5) { // idle, iowait
                idle += v;
            }
        }
        return new Reading(total - idle, total, Map.of());
    }

    /** A {@code /proc/[pid]/stat} line; the name may hold spaces and parentheses, so fields follow its last ')'. */
    static Proc parse(String stat) {
        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] state, f[1] ppid, ... f[11] utime, f[12] stime, f[13] cutime, f[14] cstime, ... f[19] starttime
        return new Proc(Long.parseLong(f[1]), comm, Long.parseLong(f[19]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    /** Milliseconds of CPU per group between {@code a} and {@code b}, plus "host busy" and "host total". */
    Map<String, Double> between(Reading a, Reading b) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String g : GROUPS) {
            ticks.put(g, 0L);
        }
        b.procs().forEach((pid, p) -> {
            Proc before = a.procs().get(pid);
            // the same process: the same pid started at the same moment (a kernel worker renames itself as it works)
            boolean same = before != null && before.start() == p.start();
            long self = p.self() - (same ? before.self() : 0);
            long children = p.children() - (same ? before.children() : 0);
            if (pid == 1) {
                ticks.merge(OTHER, self, Long::sum);
                ticks.merge(REAPED, children, Long::sum);
            } else if (pid == serverPid) {
                ticks.merge(SERVER, self, Long::sum);
                ticks.merge(SERVER_CHILDREN, children, Long::sum);
            } else {
                ticks.merge(groupOf(pid, p), self + children, Long::sum);
            }
        });
        Map<String, Double> ms = new LinkedHashMap<>();
        ticks.forEach((g, t) -> ms.put(g, t * TICK_NS / 1e6));
        ms.put("host busy", (b.busy() - a.busy()) * TICK_NS / 1e6);
        ms.put("host total", (b.total() - a.total()) * TICK_NS / 1e6);
        return ms;
    }

    private String groupOf(long pid, Proc p) {
        if (pid == clientPid) {
            return CLIENT;
        }
        if (pid == 2 || p.ppid() == 2) {
            return KERNEL;
        }
        String c = p.comm();
        if (c.equals("dockerd") || c.equals("containerd") || c.startsWith("containerd-shim") || c.startsWith("runc")
                || c.equals("docker-proxy") || c.equals("exe")) {
            return ENGINE;
        }
        if (c.equals("agent")) {
            return SANDBOXES;
        }
        return OTHER;
    }
}
