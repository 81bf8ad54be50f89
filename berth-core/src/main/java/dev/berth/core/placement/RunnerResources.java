package dev.berth.core.placement;

import java.util.ArrayList;
import java.util.List;

import dev.berth.core.sandbox.Resources;

/**
 * Cores, memory, disk (GiB) and sandbox count of one runner: used both for its capacity and for
 * what Berth has allocated there.
 */
public record RunnerResources(int cpu, int memoryGiB, int diskGiB, int sandboxes) {

    public static final RunnerResources NONE = new RunnerResources(0, 0, 0, 0);

    public RunnerResources {
        if (cpu < 0 || memoryGiB < 0 || diskGiB < 0 || sandboxes < 0) {
            throw new IllegalArgumentException("runner resources must not be negative: " + cpu + " cores, "
                    + memoryGiB + " GiB memory, " + diskGiB + " GiB disk, " + sandboxes + " sandboxes");
        }
    }

    /** This allocation plus one sandbox of the given size. */
    public RunnerResources plus(Resources r) {
        return new RunnerResources(Math.addExact(cpu, r.cpu()), Math.addExact(memoryGiB, r.memoryGiB()),
                Math.addExact(diskGiB, r.diskGiB()), Math.addExact(sandboxes, 1));
    }

    /** This allocation minus one sandbox of the given size; fails if that releases more than was held. */
    public RunnerResources minus(Resources r) {
        return new RunnerResources(cpu - r.cpu(), memoryGiB - r.memoryGiB(), diskGiB - r.diskGiB(), sandboxes - 1);
    }

    /**
     * Whether a runner of this capacity, already holding {@code allocated}, can take one more
     * sandbox of size {@code r}. Only cpu may be overcommitted: idle sandboxes leave cores unused,
     * but memory and disk that are promised must exist.
     */
    public boolean admits(RunnerResources allocated, Resources r, double cpuOvercommit) {
        return cpuFits(allocated, r, cpuOvercommit) && memoryFits(allocated, r) && diskFits(allocated, r)
                && slotFits(allocated);
    }

    /**
     * What this runner lacks to resize one of its sandboxes from {@code from} to {@code to}, one line per resource
     * that is short (empty: it fits). Only what grows is counted, and no slot: the sandbox holds one already.
     */
    public List<String> resizeShortfall(RunnerResources allocated, Resources from, Resources to, double cpuOvercommit) {
        List<String> out = new ArrayList<>();
        int cpuAdd = to.cpu() - from.cpu();
        if (cpuAdd > 0 && (long) allocated.cpu + cpuAdd > cpu * cpuOvercommit) {
            out.add("cpu: " + allocated.cpu + " of " + (long) (cpu * cpuOvercommit) + " cores allocated, the resize adds "
                    + cpuAdd);
        }
        int memAdd = to.memoryGiB() - from.memoryGiB();
        if (memAdd > 0 && (long) allocated.memoryGiB + memAdd > memoryGiB) {
            out.add("memory: " + allocated.memoryGiB + " of " + memoryGiB + " GiB allocated, the resize adds " + memAdd);
        }
        int diskAdd = to.diskGiB() - from.diskGiB();
        if (diskAdd > 0 && (long) allocated.diskGiB + diskAdd > diskGiB) {
            out.add("disk: " + allocated.diskGiB + " of " + diskGiB + " GiB allocated, the resize adds " + diskAdd);
        }
        return List.copyOf(out);
    }

    boolean cpuFits(RunnerResources allocated, Resources r, double cpuOvercommit) {
        return (long) allocated.cpu + r.cpu() <= cpu * cpuOvercommit;
    }

    boolean memoryFits(RunnerResources allocated, Resources r) {
        return (long) allocated.memoryGiB + r.memoryGiB() <= memoryGiB;
    }

    boolean diskFits(RunnerResources allocated, Resources r) {
        return (long) allocated.diskGiB + r.diskGiB() <= diskGiB;
    }

    boolean slotFits(RunnerResources allocated) {
        return (long) allocated.sandboxes + 1 <= sandboxes;
    }
}
