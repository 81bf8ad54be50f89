package dev.berth.core.placement;

import dev.berth.core.sandbox.Resources;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Explains why no runner qualified, by applying the filters one at a time and naming the first
 * that leaves none. Runs only on the rejection path, so it favours clarity over speed.
 */
final class PlacementRejections {

    private PlacementRejections() {
    }

    static Placement.Rejected explain(PlacementRequest req, List<RunnerView> all, double cpuOvercommit) {
        if (all.isEmpty()) {
            return reject(PlacementConstraint.NO_RUNNERS,
                    "no runners are registered; start a runner and check it can reach the control plane");
        }
        String where = req.region() == null ? "" : " in region '" + req.region() + "'";
        List<RunnerView> inRegion = keep(all, v -> req.region() == null || req.region().equals(v.region()));
        if (inRegion.isEmpty()) {
            return reject(PlacementConstraint.REGION, "no runner" + where + "; known regions: "
                    + distinct(all, RunnerView::region));
        }
        List<RunnerView> healthy = keep(inRegion, v -> v.health().acceptsPlacements());
        if (healthy.isEmpty()) {
            return reject(PlacementConstraint.HEALTH, "no healthy runner" + where + " (" + healthCounts(inRegion)
                    + "); regions with healthy runners: "
                    + distinct(keep(all, v -> v.health().acceptsPlacements()), RunnerView::region));
        }
        String scope = "healthy runner" + (req.runnerClass() == null ? "" : " of class '" + req.runnerClass() + "'")
                + where;
        List<RunnerView> ofClass = keep(healthy, v -> req.runnerClass() == null
                || req.runnerClass().equals(v.runnerClass()));
        if (ofClass.isEmpty()) {
            return reject(PlacementConstraint.RUNNER_CLASS, "no " + scope + "; classes of healthy runners"
                    + where + ": " + distinct(healthy, RunnerView::runnerClass));
        }
        List<RunnerView> withSnapshot = keep(ofClass, v -> v.canPull() || v.hasSnapshot(req.snapshot()));
        if (withSnapshot.isEmpty()) {
            return reject(PlacementConstraint.SNAPSHOT, "no " + scope + " has snapshot '" + req.snapshot()
                    + "' and none of the " + ofClass.size() + " can pull it (no registry access); "
                    + "give them registry access or pre-load the snapshot");
        }
        return explainResources(req.resources(), scope, withSnapshot, cpuOvercommit);
    }

    private static final List<PlacementConstraint> RESOURCES = List.of(PlacementConstraint.CPU,
            PlacementConstraint.MEMORY, PlacementConstraint.DISK, PlacementConstraint.SANDBOX_SLOTS);

    private static Placement.Rejected explainResources(Resources r, String scope, List<RunnerView> candidates,
            double cpuOvercommit) {
        Map<PlacementConstraint, Most> most = new EnumMap<>(PlacementConstraint.class);
        List<String> shortfalls = new ArrayList<>();
        PlacementConstraint first = null;
        for (PlacementConstraint c : RESOURCES) {
            Most m = new Most();
            boolean fitsSomewhere = false;
            for (RunnerView v : candidates) {
                m.offer(free(c, v, cpuOvercommit), v.id());
                fitsSomewhere |= fits(c, v, r, cpuOvercommit);
            }
            most.put(c, m);
            if (!fitsSomewhere) {
                first = first == null ? c : first;
                shortfalls.add(needed(c, r) + " (largest free: " + fmt(Math.max(0, m.free)) + " on runner "
                        + m.runner + ")");
            }
        }
        if (first != null) {
            // says whose limit it is: a tenant within its quota must not read this as its own quota
            return reject(first, "runner capacity exhausted (the platform's, not your organization's quota): no "
                    + scope + " has " + String.join(", nor ", shortfalls)
                    + "; wait for sandboxes to stop, request less, or add runners");
        }
        return reject(PlacementConstraint.COMBINED_RESOURCES, "runner capacity exhausted (the platform's, not your "
                + "organization's quota): no single " + scope + " has " + r.cpu() + " cores, "
                + r.memoryGiB() + " GiB memory, " + r.diskGiB() + " GiB disk and a sandbox slot free at once"
                + " (most free: " + most(most, PlacementConstraint.CPU, "cores") + ", "
                + most(most, PlacementConstraint.MEMORY, "GiB memory") + ", "
                + most(most, PlacementConstraint.DISK, "GiB disk")
                + "); wait for sandboxes to stop, request less, or add runners");
    }

    /** Whether the resource fits the runner and, for cpu, memory and disk, the machine it shares. */
    private static boolean fits(PlacementConstraint c, RunnerView v, Resources r, double cpuOvercommit) {
        return fits(c, v.capacity(), v.allocated(), r, cpuOvercommit) && (v.host() == null
                || c == PlacementConstraint.SANDBOX_SLOTS
                || fits(c, v.host().capacity(), v.host().allocated(), r, cpuOvercommit));
    }

    private static boolean fits(PlacementConstraint c, RunnerResources cap, RunnerResources held, Resources r,
            double cpuOvercommit) {
        return switch (c) {
            case CPU -> cap.cpuFits(held, r, cpuOvercommit);
            case MEMORY -> cap.memoryFits(held, r);
            case DISK -> cap.diskFits(held, r);
            default -> cap.slotFits(held);
        };
    }

    /** What is free of the resource on the runner, or on its machine when that has less. */
    private static double free(PlacementConstraint c, RunnerView v, double cpuOvercommit) {
        double own = free(c, v.capacity(), v.allocated(), cpuOvercommit);
        return v.host() == null || c == PlacementConstraint.SANDBOX_SLOTS ? own
                : Math.min(own, free(c, v.host().capacity(), v.host().allocated(), cpuOvercommit));
    }

    private static double free(PlacementConstraint c, RunnerResources cap, RunnerResources held, double cpuOvercommit) {
        return switch (c) {
            case CPU -> cap.cpu() * cpuOvercommit - held.cpu();
            case MEMORY -> cap.memoryGiB() - held.memoryGiB();
            case DISK -> cap.diskGiB() - held.diskGiB();
            default -> cap.sandboxes() - held.sandboxes();
        };
    }

    private static String needed(PlacementConstraint c, Resources r) {
        return switch (c) {
            case CPU -> r.cpu() + " free cores";
            case MEMORY -> r.memoryGiB() + " GiB free memory";
            case DISK -> r.diskGiB() + " GiB free disk";
            default -> "a free sandbox slot";
        };
    }

    private static String most(Map<PlacementConstraint, Most> most, PlacementConstraint c, String unit) {
        Most m = most.get(c);
        return fmt(m.free) + " " + unit + " on " + m.runner;
    }

    /** The most of one resource free on any candidate, and where. */
    private static final class Most {
        double free = Double.NEGATIVE_INFINITY;
        RunnerId runner;

        void offer(double f, RunnerId id) {
            if (f > free) {
                free = f;
                runner = id;
            }
        }
    }

    private static String healthCounts(List<RunnerView> runners) {
        Map<RunnerHealth, Integer> counts = new EnumMap<>(RunnerHealth.class);
        runners.forEach(v -> counts.merge(v.health(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((h, n) -> parts.add(n + " " + h.name().toLowerCase(Locale.ROOT)));
        return String.join(", ", parts);
    }

    private static List<RunnerView> keep(List<RunnerView> runners, Predicate<RunnerView> p) {
        return runners.stream().filter(p).toList();
    }

    private static Set<String> distinct(List<RunnerView> runners, Function<RunnerView, String> f) {
        Set<String> out = new TreeSet<>();
        runners.forEach(v -> out.add(f.apply(v)));
        return out;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }

    private static Placement.Rejected reject(PlacementConstraint c, String message) {
        return new Placement.Rejected(c, message);
    }
}
