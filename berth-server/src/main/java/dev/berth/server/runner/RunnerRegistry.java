package dev.berth.server.runner;

import dev.berth.core.error.EngineException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.UnavailableException;
import dev.berth.core.placement.Placement;
import dev.berth.core.placement.PlacementPolicy;
import dev.berth.core.placement.PlacementRequest;
import dev.berth.core.placement.RunnerHealth;
import dev.berth.core.placement.RunnerId;
import dev.berth.core.placement.RunnerResources;
import dev.berth.core.placement.RunnerUsage;
import dev.berth.core.placement.RunnerView;
import dev.berth.core.placement.SnapshotRef;
import dev.berth.core.sandbox.Resources;
import dev.berth.protocol.ContainerStatus;
import dev.berth.runner.SandboxRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The runners this control plane places sandboxes on, and the adapter for each: the embedded
 * runner in-process (when this JVM has one) and runner processes through the job queue, by
 * their protocol version. Placement is {@link PlacementPolicy} over fresh runner views.
 */
@Component
public class RunnerRegistry {

    private final Optional<SandboxRunner> local;
    private final RunnerRepository runners;
    private final RegionRepository regions;
    private final RunnerAllocations allocations;
    private final JobQueue jobs;
    private final PlacementPolicy policy = PlacementPolicy.defaults();
    private final AtomicReference<String> localNotReady = new AtomicReference<>("runner is starting");

    public RunnerRegistry(Optional<SandboxRunner> local, RunnerRepository runners, RegionRepository regions,
            RunnerAllocations allocations, JobQueue jobs) {
        this.local = local;
        this.runners = runners;
        this.regions = regions;
        this.allocations = allocations;
        this.jobs = jobs;
    }

    public void markReady() {
        localNotReady.set(null);
    }

    public void markNotReady(String reason) {
        localNotReady.set(reason);
    }

    public Optional<SandboxRunner> localRunner() {
        return local;
    }

    /** The embedded runner's Berth containers as its engine lists them now ({@link RunnerInventory#live()}). */
    public Optional<RunnerInventory> localInventory() {
        return local.map(runner -> {
            Map<String, ContainerStatus> containers = new HashMap<>();
            runner.inventory().forEach((id, c) -> {
                // only containers labelled with this runner: one without the label may be another process's
                if (id != null && runner.runnerId().equals(c.labels().get(SandboxRunner.LABEL_RUNNER))) {
                    containers.put(id, c.status());
                }
            });
            return new RunnerInventory(runner.runnerId(), containers, Map.of(), Set.of(), true);
        });
    }

    /** Why no runner can take work, or empty when one can. */
    public Optional<String> notReadyReason() {
        if (local.isPresent() && localNotReady.get() == null) {
            return Optional.empty();
        }
        boolean remoteReady = runners.existsByEmbeddedFalseAndState(RunnerState.READY);
        if (remoteReady) {
            return Optional.empty();
        }
        return Optional.of(local.isPresent() ? localNotReady.get() : "no runner has registered and sent heartbeats yet");
    }

    /**
     * The region a create that names no target goes to: {@code configured} ({@code berth.region}) where the embedded
     * runner lives or a ready runner is; otherwise the region with the most ready, schedulable runners, so that a
     * create never fails only because it named no region and the runners are elsewhere. With no ready runner at all,
     * {@code configured} (the create then says why it cannot be placed).
     */
    public String defaultRegion(String configured) {
        if (local.isPresent()) {
            return configured;
        }
        var ready = runners.findAll().stream()
                .filter(r -> !r.isEmbedded() && r.isSchedulable() && r.getState() == RunnerState.READY).toList();
        if (ready.isEmpty() || ready.stream().anyMatch(r -> configured.equals(r.getRegion()))) {
            return configured;
        }
        return ready.stream().collect(java.util.stream.Collectors.groupingBy(Runner::getRegion,
                        java.util.TreeMap::new, java.util.stream.Collectors.counting()))
                .entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(configured);
    }

    /** Chooses the runner for a new sandbox; 400 for an unknown region, 503 when none qualifies. */
    public RunnerAdapter place(String region, Resources r, String snapshot) {
        if (!regions.existsById(region)) {
            throw new InvalidRequestException("unknown target region '" + region + "'; known regions: "
                    + regions.findAll().stream().map(Region::getId).sorted().toList());
        }
        var request = new PlacementRequest(r, new SnapshotRef(RunnerImages.normalize(snapshot)), region, null);
        Placement p = policy.place(request, views(inRegistry(snapshot)), ThreadLocalRandom.current());
        if (p instanceof Placement.Placed placed) {
            return byId(placed.runnerId().value());
        }
        throw new UnavailableException("no runner can take this sandbox: " + ((Placement.Rejected) p).message());
    }

    /** Re-checks a runner's capacity inside the caller's transaction (after the runner row is locked). */
    /**
     * What a runner lacks to resize one of its sandboxes from {@code from} to {@code to} (empty: it fits), read inside
     * the caller's transaction after the runner row is locked.
     */
    public List<String> resizeShortfall(String runnerId, Resources from, Resources to) {
        Runner runner = runners.findById(runnerId).orElse(null);
        if (runner == null) {
            return List.of("runner " + runnerId + " is not registered");
        }
        var host = hostShare(runner, runners.findAll(), allocations.allocationByRunner());
        RunnerView v = view(runner, allocations.allocationOf(runnerId), false, host);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(v.capacity().resizeShortfall(v.allocated(), from, to, policy.cpuOvercommit()));
        if (host != null) {
            host.capacity().resizeShortfall(host.allocated(), from, to, policy.cpuOvercommit())
                    .forEach(line -> out.add("its machine (shared with other runners) " + line));
        }
        return List.copyOf(out);
    }

    public boolean admits(String runnerId, Resources r) {
        Runner runner = runners.findById(runnerId).orElse(null);
        if (runner == null) {
            return false;
        }
        List<Runner> all = runners.findAll();
        RunnerView v = view(runner, allocations.allocationOf(runnerId), false,
                hostShare(runner, all, allocations.allocationByRunner()));
        return v != null && v.admits(r, policy.cpuOvercommit());
    }

    /**
     * The machine a runner shares with other runners (same host id): its capacity as the runner last reported it and
     * the sum of the allocations of all runners on it; null when the runner is alone there or its machine is unknown.
     */
    static dev.berth.core.placement.HostShare hostShare(Runner r, List<Runner> all, Map<String, RunnerResources> alloc) {
        if (r.getHostId() == null) {
            return null;
        }
        RunnerResources sum = RunnerResources.NONE;
        int mates = 0;
        for (Runner o : all) {
            if (r.getHostId().equals(o.getHostId())) {
                RunnerResources a = alloc.getOrDefault(o.getId(), RunnerResources.NONE);
                sum = new RunnerResources(sum.cpu() + a.cpu(), sum.memoryGiB() + a.memoryGiB(),
                        sum.diskGiB() + a.diskGiB(), sum.sandboxes() + a.sandboxes());
                mates++;
            }
        }
        return mates < 2 ? null : new dev.berth.core.placement.HostShare(r.getHostId(), r.getHostCapacity(), sum);
    }

    /**
     * Whether the image is one the snapshot registry holds (a user's snapshot, one of Berth's base images, or a
     * sandbox's archive), so that any runner can pull it: every runner has the registry's address and credentials.
     */
    static boolean inRegistry(String imageRef) {
        return imageRef.startsWith("berth-snapshot/") || imageRef.startsWith("berth/")
                || dev.berth.core.sandbox.ArchiveImage.isArchive(imageRef);
    }

    private List<RunnerView> views(boolean pullable) {
        Map<String, RunnerResources> alloc = allocations.allocationByRunner();
        List<RunnerView> out = new ArrayList<>();
        List<Runner> all = runners.findAll();
        for (Runner r : all) {
            RunnerView v = view(r, alloc.getOrDefault(r.getId(), RunnerResources.NONE), pullable, hostShare(r, all, alloc));
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    private RunnerView view(Runner r, RunnerResources allocated, boolean pullable,
            dev.berth.core.placement.HostShare host) {
        if (r.getCpuCapacity() <= 0 || r.getMemoryCapacity() <= 0 || r.getDiskCapacity() <= 0 || r.getMaxSandboxes() <= 0) {
            return null; // not registered yet
        }
        boolean usable = r.isEmbedded() ? local.isPresent() && localNotReady.get() == null : r.getState() == RunnerState.READY;
        RunnerHealth health = !usable ? RunnerHealth.UNRESPONSIVE
                : !r.isEngineHealthy() ? RunnerHealth.ENGINE_DOWN
                : r.isSchedulable() ? RunnerHealth.HEALTHY : RunnerHealth.DRAINING;
        return new RunnerView(new RunnerId(r.getId()), r.getRegion(), r.getRunnerClass(), health,
                new RunnerResources(r.getCpuCapacity(), r.getMemoryCapacity(), r.getDiskCapacity(), r.getMaxSandboxes()),
                allocated, new RunnerUsage(clamp(r.getCpuUsage()), clamp(r.getMemoryUsage()), clamp(r.getDiskUsage()),
                        Math.max(0, r.getLoadPerCore())),
                r.getImages().stream().map(SnapshotRef::new).collect(Collectors.toSet()),
                pullable, // a snapshot image it lacks is pulled at create; holders are preferred by the score
                host);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** The adapter for the runner holding a sandbox. */
    public RunnerAdapter byId(String runnerId) {
        if (local.isPresent() && local.get().runnerId().equals(runnerId)) {
            return new LocalRunnerAdapter(local.get());
        }
        Runner r = runners.findById(runnerId == null ? "" : runnerId)
                .orElseThrow(() -> new EngineException("runner '" + runnerId + "' is not known to this control plane"));
        if (r.isEmbedded()) {
            throw new UnavailableException("runner '" + runnerId + "' is embedded in another control-plane process");
        }
        return new RemoteRunnerAdapter(r, jobs);
    }
}
