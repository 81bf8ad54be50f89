package dev.berth.core.warmpool;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The pure decision that keeps the configured system pool ({@code berth.warm-pools.system}): which region it
 * serves, and which pools to create, resize, drain and delete for that. The sweep gathers the observation and
 * carries the commands out.
 *
 * <p>Region: a configured target, else Berth's own region ({@code berth.region}) while any runner is registered
 * there, whatever its state; else the region of the oldest existing pool while a runner is registered there; else
 * where creates without a target go now. A runner restart or a short outage therefore never moves the pool (its
 * row stays registered); only registering or removing runners does. With no configured target the configuration
 * owns every system pool of its snapshot: one outside the region in force is drained (size 0) and deleted once
 * empty. With {@code max <= 0} the pool in force is drained and deleted as well.
 */
public final class SystemPoolPolicy {

    private SystemPoolPolicy() {
    }

    /** A system pool of the configured snapshot, with its unclaimed members (ready or on their way). */
    public record Pool(String id, String region, int min, int max, int members) {
    }

    /**
     * @param configuredTarget  {@code berth.warm-pools.system.target}, or null
     * @param home              Berth's region ({@code berth.region})
     * @param defaultRegion     where a create without a target goes now
     * @param regionsWithRunners regions where any runner is registered (ready or not)
     * @param min               configured fewest sandboxes
     * @param max               configured most sandboxes (0 or less: no system pool)
     * @param pools             the system pools of the configured snapshot, oldest first
     */
    public record Observed(String configuredTarget, String home, String defaultRegion, Set<String> regionsWithRunners,
            int min, int max, List<Pool> pools) {

        public Observed {
            regionsWithRunners = Set.copyOf(regionsWithRunners);
            pools = List.copyOf(pools);
        }
    }

    /** What the sweep carries out. */
    public sealed interface Command {

        record Create(String region, int min, int max) implements Command {
        }

        record Resize(String poolId, int min, int max) implements Command {
        }

        /** Deletes a drained pool: the sweep checks under its row lock that it is still empty and of size 0. */
        record Delete(String poolId) implements Command {
        }
    }

    /** @param target the region of the system pool in force */
    public record Decision(String target, List<Command> commands) {
    }

    /** The region the configured system pool serves now. */
    public static String target(Observed o) {
        if (o.configuredTarget() != null && !o.configuredTarget().isBlank()) {
            return o.configuredTarget();
        }
        if (o.regionsWithRunners().contains(o.home())) {
            return o.home();
        }
        return o.pools().stream().map(Pool::region).filter(o.regionsWithRunners()::contains).findFirst()
                .orElse(o.defaultRegion());
    }

    public static Decision decide(Observed o) {
        String target = target(o);
        boolean ownsAllRegions = o.configuredTarget() == null || o.configuredTarget().isBlank();
        int max = Math.max(0, o.max());
        int min = Math.max(0, Math.min(o.min(), max));
        List<Command> out = new ArrayList<>();
        boolean inForceExists = false;
        for (Pool p : o.pools()) {
            boolean inForce = p.region().equals(target);
            if (inForce && !inForceExists) {
                inForceExists = true;
                if (max > 0) {
                    if (p.max() != max || p.min() != min) {
                        out.add(new Command.Resize(p.id(), min, max));
                    }
                    continue;
                }
            } else if (!ownsAllRegions) {
                continue; // another region's pool of this snapshot is the administrators' when a target is configured
            }
            drain(p, out);
        }
        if (!inForceExists && max > 0) {
            out.add(new Command.Create(target, min, max));
        }
        return new Decision(target, List.copyOf(out));
    }

    private static void drain(Pool p, List<Command> out) {
        if (p.max() != 0 || p.min() != 0) {
            out.add(new Command.Resize(p.id(), 0, 0));
        } else if (p.members() == 0) {
            out.add(new Command.Delete(p.id()));
        }
    }
}
