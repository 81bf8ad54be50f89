package dev.berth.bench;

import java.util.Arrays;
import java.util.List;

/** Percentiles of latency samples in milliseconds. */
record Stats(double p50, double p99, double mean, int n) {

    static Stats of(List<Double> samplesMs) {
        double[] a = samplesMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Stats(pct(a, 50), pct(a, 99), Arrays.stream(a).average().orElse(0), a.length);
    }

    private static double pct(double[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    String line(String label) {
        return String.format("%-34s n=%-4d p50=%8.1f ms  p99=%8.1f ms  mean=%8.1f ms", label, n, p50, p99, mean);
    }
}
