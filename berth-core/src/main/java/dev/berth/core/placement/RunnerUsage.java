package dev.berth.core.placement;

/**
 * Live usage from a runner's last heartbeat: cpu, memory and disk as fractions 0..1 of the
 * machine, and the load average per core. It differs from what Berth allocated: sandboxes idle
 * or spin, and other processes share the host.
 */
public record RunnerUsage(double cpu, double memory, double disk, double loadPerCore) {

    /** No metrics yet (a runner that just registered). */
    public static final RunnerUsage IDLE = new RunnerUsage(0, 0, 0, 0);

    public RunnerUsage {
        fraction("cpu", cpu);
        fraction("memory", memory);
        fraction("disk", disk);
        if (!(loadPerCore >= 0) || Double.isInfinite(loadPerCore)) {
            throw new IllegalArgumentException("load per core must be a finite number >= 0, was " + loadPerCore);
        }
    }

    /** Mean of cpu, memory, disk and load per core (capped at 1): 0 is idle, 1 is saturated. */
    double pressure() {
        return (cpu + memory + disk + Math.min(1.0, loadPerCore)) / 4;
    }

    private static void fraction(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " usage must be within 0..1, was " + v);
        }
    }
}
