package dev.berth.server.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's limits of a container's cgroup as "quota period\nmemory bytes", read on the host (sandboxes have no
 * cgroup file system): cgroup v2's cpu.max and memory.max, or v1's cfs quota and period and memory limit.
 */
final class CgroupLimits {

    private CgroupLimits() {
    }

    static String of(int pid) throws IOException {
        Map<String, String> paths = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            for (String c : f[1].split(",")) {
                paths.put(c, f[2]);
            }
        }
        Path root = Path.of("/sys/fs/cgroup");
        Path v2 = root.resolve(paths.getOrDefault("", "/").substring(1));
        if (Files.exists(v2.resolve("cpu.max"))) {
            return read(v2.resolve("cpu.max")) + "\n" + read(v2.resolve("memory.max"));
        }
        Path cpu = root.resolve("cpu").resolve(paths.get("cpu").substring(1));
        Path mem = root.resolve("memory").resolve(paths.get("memory").substring(1));
        return read(cpu.resolve("cpu.cfs_quota_us")) + " " + read(cpu.resolve("cpu.cfs_period_us")) + "\n"
                + read(mem.resolve("memory.limit_in_bytes"));
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p).trim();
    }
}
