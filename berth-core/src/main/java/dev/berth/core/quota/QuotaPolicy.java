package dev.berth.core.quota;

import dev.berth.core.error.QuotaExceededException;
import dev.berth.core.sandbox.Resources;

/** Quota arithmetic: whether a sandbox may be created or started given what the organization holds. */
public final class QuotaPolicy {

    private QuotaPolicy() {
    }

    /** Checks the per-sandbox maxima. */
    public static void checkPerSandbox(Quota q, Resources r) {
        check("maxCpuPerSandbox", r.cpu(), q.maxCpuPerSandbox(), "cores per sandbox");
        check("maxMemoryPerSandbox", r.memoryGiB(), q.maxMemoryPerSandbox(), "GiB memory per sandbox");
        check("maxDiskPerSandbox", r.diskGiB(), q.maxDiskPerSandbox(), "GiB disk per sandbox");
    }

    /** A new sandbox that will run: adds one sandbox, its cpu, memory and disk. */
    public static void checkCreate(Quota q, Usage u, Resources r) {
        checkPerSandbox(q, r);
        if (u.sandboxes() + 1 > q.maxSandboxes()) {
            throw new QuotaExceededException("quota maxSandboxes exhausted: the organization has " + u.sandboxes()
                    + " of " + q.maxSandboxes() + " sandboxes; delete one or ask an admin to raise the quota");
        }
        checkTotals(q, u, r.cpu(), r.memoryGiB(), r.diskGiB());
    }

    /** Starting a stopped sandbox: its disk is already counted; cpu and memory are added. */
    public static void checkStart(Quota q, Usage u, Resources r) {
        checkPerSandbox(q, r);
        checkTotals(q, u, r.cpu(), r.memoryGiB(), 0);
    }

    /**
     * Resizing a sandbox from {@code from} to {@code to}: the new size within the per-sandbox maxima, and only what
     * grows added to the totals (cpu and memory count only while it runs, disk always).
     */
    public static void checkResize(Quota q, Usage u, Resources from, Resources to, boolean running) {
        checkPerSandbox(q, to);
        checkTotals(q, u, running ? Math.max(0, to.cpu() - from.cpu()) : 0,
                running ? Math.max(0, to.memoryGiB() - from.memoryGiB()) : 0, Math.max(0, to.diskGiB() - from.diskGiB()));
    }

    private static void checkTotals(Quota q, Usage u, int cpu, int mem, int disk) {
        total("totalCpuQuota", u.cpu(), cpu, q.totalCpu(), "cores");
        total("totalMemoryQuota", u.memory(), mem, q.totalMemory(), "GiB memory");
        total("totalDiskQuota", u.disk(), disk, q.totalDisk(), "GiB disk");
    }

    private static void total(String name, int used, int add, int limit, String unit) {
        if (used + add > limit) {
            throw new QuotaExceededException("quota " + name + " exhausted: " + used + " of " + limit + " " + unit
                    + " in use and this sandbox needs " + add + "; stop or delete sandboxes or ask an admin to raise it");
        }
    }

    private static void check(String name, int value, int max, String unit) {
        if (value > max) {
            throw new QuotaExceededException("quota " + name + " exceeded: requested " + value + ", the maximum is "
                    + max + " " + unit);
        }
    }
}
