package dev.berth.runner.node;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        long total = memInfo("MemTotal:");
        long avail = memInfo("MemAvailable:");
        return total == 0 ? 0 : 1.0 - (double) avail / total;
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

    private static long memInfo(String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            for (String l : lines) {
                if (l.startsWith(key)) {
                    return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
