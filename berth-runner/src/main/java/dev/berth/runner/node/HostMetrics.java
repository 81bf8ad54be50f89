package dev.berth.runner.node;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Live usage of the runner host, read from /proc and the data directory's filesystem. */
final class HostMetrics {

    private final Path dataDir;
    private long lastIdle;
    private long lastTotal;

    HostMetrics(Path dataDir) {
        this.dataDir = dataDir;
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    static int memoryGiB() {
        return (int) Math.max(1, memInfo("MemTotal:") / (1024 * 1024));
    }

    int diskGiB() {
        try {
            return (int) (Files.getFileStore(dataDir).getTotalSpace() >> 30);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Fraction of CPU time busy since the previous call. */
    synchronized double cpuUsage() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            double usage = lastTotal == 0 || total == lastTotal ? 0
                    : 1.0 - (double) (idle - lastIdle) / (total - lastTotal);
            lastIdle = idle;
            lastTotal = total;
            return Math.max(0, Math.min(1, usage));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    double memoryUsage() {
        long total = 0;
        long avail = 0;
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    total = kib(l);
                } else if (l.startsWith("MemAvailable:")) {
                    avail = kib(l);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return total == 0 ? 0 : 1.0 - (double) avail / total;
    }

    private static long memInfo(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith(key)) {
                    return kib(l);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** The number in a /proc/meminfo line ("MemTotal:  16384 kB"). */
    private static long kib(String line) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split("\\s+")[0]);
    }

    double diskUsage() {
        try {
            FileStore fs = Files.getFileStore(dataDir);
            return fs.getTotalSpace() == 0 ? 0 : 1.0 - (double) fs.getUsableSpace() / fs.getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    double loadPerCore() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]) / cores();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
