package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.random.RandomGenerator;

/**
 * Chooses the runner for a new sandbox: filter, score, then pick at random among the best.
 *
 * <p>Filter: healthy and schedulable, in the requested region and class (if any), room for the
 * sandbox after placing it (cpu may be overcommitted by {@code cpuOvercommit}), on the runner and on the machine
 * it shares with other runners ({@link HostShare}: their allocations together against one capacity), and the snapshot
 * present or pullable. Score: the weighted mean of {@link PlacementWeights}' terms, in 0..1.
 * Choice: uniformly among the {@code topK} best runners that score within {@code epsilon} of the
 * best (ties at the k-th place broken at random). Control planes placing at once from the same
 * view then spread over several good runners instead of all landing on one; {@code topK = 1}
 * or {@code epsilon = 0} always takes the best.
 *
 * <p>The view may be stale by the time the caller commits: it must reserve atomically (a
 * compare-and-set on the runner's allocation, or {@link RunnerLedger#tryReserve}) and place
 * again on failure. One pass over the runners, no allocation per runner.
 */
public final class PlacementPolicy {

    public static final int DEFAULT_TOP_K = 3;
    public static final double DEFAULT_EPSILON = 0.05;

    private final PlacementWeights weights;
    private final double cpuOvercommit;
    private final int topK;
    private final double epsilon;
    private final double weightScale;

    public PlacementPolicy(PlacementWeights weights, double cpuOvercommit, int topK, double epsilon) {
        this.weights = Objects.requireNonNull(weights, "weights");
        if (!(cpuOvercommit >= 1.0) || Double.isInfinite(cpuOvercommit)) {
            throw new IllegalArgumentException("cpu overcommit must be a finite ratio >= 1.0, was " + cpuOvercommit);
        }
        if (topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1, was " + topK);
        }
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a finite number >= 0, was " + epsilon);
        }
        this.cpuOvercommit = cpuOvercommit;
        this.topK = topK;
        this.epsilon = epsilon;
        this.weightScale = 1.0 / weights.total();
    }

    /** Default weights, no cpu overcommit, random among the best 3 within 0.05. */
    public static PlacementPolicy defaults() {
        return new PlacementPolicy(PlacementWeights.DEFAULT, 1.0, DEFAULT_TOP_K, DEFAULT_EPSILON);
    }

    public double cpuOvercommit() {
        return cpuOvercommit;
    }

    public Placement place(PlacementRequest request, Collection<RunnerView> runners, RandomGenerator random) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(random, "random");
        List<RunnerView> list = indexed(runners);
        int n = list.size();
        double[] scores = new double[n];
        double[] best = new double[topK]; // the k best scores, descending, duplicates kept
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        boolean any = false;
        for (int i = 0; i < n; i++) {
            RunnerView v = list.get(i);
            if (!qualifies(v, request)) {
                scores[i] = Double.NaN; // NaN compares false with everything: never chosen below
                continue;
            }
            double s = score(v, request);
            scores[i] = s;
            any = true;
            insert(best, s);
        }
        if (!any) {
            return PlacementRejections.explain(request, list, cpuOvercommit);
        }
        int chosen = choose(scores, best, random);
        return new Placement.Placed(list.get(chosen).id(), scores[chosen]);
    }

    /** Whether the runner passes every filter for this request. */
    public boolean qualifies(RunnerView v, PlacementRequest request) {
        return v.health().acceptsPlacements()
                && (request.region() == null || request.region().equals(v.region()))
                && (request.runnerClass() == null || request.runnerClass().equals(v.runnerClass()))
                && v.admits(request.resources(), cpuOvercommit)
                && (v.canPull() || v.hasSnapshot(request.snapshot()));
    }

    /** The runner's score for this request, in 0..1; meaningful only for a runner that {@link #qualifies}. */
    public double score(RunnerView v, PlacementRequest request) {
        RunnerResources cap = v.capacity();
        RunnerResources held = v.allocated();
        Resources r = request.resources();
        double cpuCap = cap.cpu() * cpuOvercommit;
        double free = freeShare(cap, held, r, cpuCap);
        if (v.host() != null) {
            // a runner on a machine its neighbours have filled is as full as the machine
            HostShare h = v.host();
            free = Math.min(free, freeShare(h.capacity(), h.allocated(), r, h.capacity().cpu() * cpuOvercommit));
        }
        double quiet = 1 - v.usage().pressure();
        double snapshot = v.hasSnapshot(request.snapshot()) ? 1 : 0;
        double spread = 1 - (double) held.sandboxes() / cap.sandboxes();
        return (weights.freeResources() * free + weights.load() * quiet
                + weights.snapshotPresent() * snapshot + weights.spread() * spread) * weightScale;
    }

    private static double freeShare(RunnerResources cap, RunnerResources held, Resources r, double cpuCap) {
        return ((cpuCap - held.cpu() - r.cpu()) / cpuCap
                + (double) (cap.memoryGiB() - held.memoryGiB() - r.memoryGiB()) / cap.memoryGiB()
                + (double) (cap.diskGiB() - held.diskGiB() - r.diskGiB()) / cap.diskGiB()) / 3;
    }

    private static void insert(double[] best, double s) {
        int j = best.length - 1;
        if (!(s > best[j])) {
            return;
        }
        while (j > 0 && best[j - 1] < s) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = s;
    }

    /**
     * Uniform over the pool: every runner within epsilon of the best if there are fewer than k of
     * them; otherwise the runners above the k-th best score plus a random subset of those tied
     * with it, filling k places. A draw r in [0, k) below the count above picks one of those,
     * otherwise a tied one.
     */
    private int choose(double[] scores, double[] best, RandomGenerator random) {
        double floor = best[0] - epsilon;
        double cut = best[topK - 1];
        if (!(cut >= floor)) {
            int pool = 0;
            for (double s : scores) {
                if (s >= floor) {
                    pool++;
                }
            }
            return nth(scores, random.nextInt(pool), floor, Double.POSITIVE_INFINITY);
        }
        int above = 0;
        int tied = 0;
        for (double s : scores) {
            if (s > cut) {
                above++;
            } else if (s == cut) {
                tied++;
            }
        }
        int r = random.nextInt(topK);
        return r < above
                ? nth(scores, r, Math.nextUp(cut), Double.POSITIVE_INFINITY)
                : nth(scores, random.nextInt(tied), cut, cut);
    }

    /** The index of the n-th score (0-based) within [low, high]. */
    private static int nth(double[] scores, int n, double low, double high) {
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= low && scores[i] <= high && n-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no score number " + n + " within [" + low + ", " + high + "]");
    }

    private static List<RunnerView> indexed(Collection<RunnerView> runners) {
        Objects.requireNonNull(runners, "runners");
        if (runners instanceof List<RunnerView> l && runners instanceof RandomAccess) {
            return l;
        }
        return List.copyOf(runners);
    }
}
