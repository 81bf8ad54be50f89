package dev.berth.core.placement;

import java.util.List;
import java.util.function.Predicate;

/** The rejection a fleet should get, from the filters applied one at a time in the documented order. */
final class ExpectedRejection {

    private ExpectedRejection() {
    }

    static PlacementConstraint of(List<RunnerView> fleet, PlacementRequest q, double overcommit) {
        if (fleet.isEmpty()) {
            return PlacementConstraint.NO_RUNNERS;
        }
        List<RunnerView> pool = keep(fleet, v -> q.region() == null || q.region().equals(v.region()));
        if (pool.isEmpty()) {
            return PlacementConstraint.REGION;
        }
        pool = keep(pool, v -> v.health() == RunnerHealth.HEALTHY);
        if (pool.isEmpty()) {
            return PlacementConstraint.HEALTH;
        }
        pool = keep(pool, v -> q.runnerClass() == null || q.runnerClass().equals(v.runnerClass()));
        if (pool.isEmpty()) {
            return PlacementConstraint.RUNNER_CLASS;
        }
        pool = keep(pool, v -> v.canPull() || v.snapshots().contains(q.snapshot()));
        if (pool.isEmpty()) {
            return PlacementConstraint.SNAPSHOT;
        }
        var r = q.resources();
        if (pool.stream().noneMatch(v -> v.allocated().cpu() + r.cpu() <= v.capacity().cpu() * overcommit)) {
            return PlacementConstraint.CPU;
        }
        if (pool.stream().noneMatch(v -> v.allocated().memoryGiB() + r.memoryGiB() <= v.capacity().memoryGiB())) {
            return PlacementConstraint.MEMORY;
        }
        if (pool.stream().noneMatch(v -> v.allocated().diskGiB() + r.diskGiB() <= v.capacity().diskGiB())) {
            return PlacementConstraint.DISK;
        }
        if (pool.stream().noneMatch(v -> v.allocated().sandboxes() < v.capacity().sandboxes())) {
            return PlacementConstraint.SANDBOX_SLOTS;
        }
        return PlacementConstraint.COMBINED_RESOURCES;
    }

    /** A piece of text the message for this constraint must contain. */
    static String mention(PlacementConstraint c, PlacementRequest q) {
        return switch (c) {
            case NO_RUNNERS -> "no runners are registered";
            case REGION, HEALTH -> q.region() == null ? "no healthy runner" : "region '" + q.region() + "'";
            case RUNNER_CLASS -> "class '" + q.runnerClass() + "'";
            case SNAPSHOT -> "snapshot '" + q.snapshot() + "'";
            case CPU -> q.resources().cpu() + " free cores";
            case MEMORY -> q.resources().memoryGiB() + " GiB free memory";
            case DISK -> q.resources().diskGiB() + " GiB free disk";
            case SANDBOX_SLOTS -> "a free sandbox slot";
            case COMBINED_RESOURCES -> "at once";
        };
    }

    private static List<RunnerView> keep(List<RunnerView> runners, Predicate<RunnerView> p) {
        return runners.stream().filter(p).toList();
    }
}
