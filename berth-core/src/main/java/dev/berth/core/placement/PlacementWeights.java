package dev.berth.core.placement;

/**
 * How much each term counts in a runner's score. Each term is in 0..1 and the score is their
 * weighted mean, so scores are in 0..1 whatever the weights.
 *
 * @param freeResources   mean free fraction of cpu, memory and disk after this sandbox: prefer room
 * @param load            1 minus live pressure (cpu, memory, disk usage, load per core): prefer quiet hosts
 * @param snapshotPresent 1 if the snapshot is already on the runner: a pull costs seconds to minutes
 * @param spread          1 minus the fraction of sandbox slots taken: fewer sandboxes, smaller blast radius
 */
public record PlacementWeights(double freeResources, double load, double snapshotPresent, double spread) {

    /**
     * Room first, then locality: a runner holding the snapshot beats one without it unless the
     * other has 75 percentage points more free resources (0.3 / 0.4), since a pull delays the
     * start far more than a fuller host does.
     */
    public static final PlacementWeights DEFAULT = new PlacementWeights(0.4, 0.2, 0.3, 0.1);

    public PlacementWeights {
        for (double w : new double[] {freeResources, load, snapshotPresent, spread}) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("placement weights must be finite and >= 0, got free="
                        + freeResources + " load=" + load + " snapshot=" + snapshotPresent + " spread=" + spread);
            }
        }
        if (freeResources + load + snapshotPresent + spread <= 0) {
            throw new IllegalArgumentException("at least one placement weight must be positive");
        }
    }

    double total() {
        return freeResources + load + snapshotPresent + spread;
    }
}
