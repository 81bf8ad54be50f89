package dev.berth.server.warmpool;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.auth.Caller;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.Region;
import dev.berth.server.runner.RegionRepository;
import dev.berth.server.sandbox.PoolClaims;
import dev.berth.server.sandbox.PoolMembers;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxMapper;
import dev.berth.server.snapshot.Snapshot;
import dev.berth.server.snapshot.SnapshotRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;

/**
 * Warm pools as the SDK's {@code daytona.warmPool} manages them, system pools for administrators, and the claim
 * that serves a matching create from them. A pool's sandboxes use the resources a create naming only its snapshot
 * gets, the {@code root} user and no env of their own; they count against the owning organization's quota. System
 * pools' sandboxes belong to no organization until claimed, and then count like any create of the claimer's.
 */
@Service
public class WarmPoolService implements dev.berth.server.sandbox.WarmPools, dev.berth.server.org.OrganizationDeletion {

    private final WarmPoolRepository pools;
    private final SnapshotRepository snapshots;
    private final RegionRepository regions;
    private final PoolMembers members;
    private final PoolClaims claims;
    private final WarmPoolReplenisher replenisher;
    private final SystemPoolKeeper systemPool;
    private final WarmPoolMetrics metrics;
    private final WarmPoolProperties props;
    private final BerthProperties berth;
    private final SandboxMapper mapper;
    private final Clock clock;
    private final org.springframework.transaction.support.TransactionTemplate tx;

    public WarmPoolService(org.springframework.transaction.support.TransactionTemplate tx, WarmPoolRepository pools, SnapshotRepository snapshots, RegionRepository regions,
            PoolMembers members, PoolClaims claims, WarmPoolReplenisher replenisher, WarmPoolMetrics metrics,
            WarmPoolProperties props, BerthProperties berth, SandboxMapper mapper, Clock clock,
            SystemPoolKeeper systemPool) {
        this.systemPool = systemPool;
        this.tx = tx;
        this.pools = pools;
        this.snapshots = snapshots;
        this.regions = regions;
        this.members = members;
        this.claims = claims;
        this.replenisher = replenisher;
        this.metrics = metrics;
        this.props = props;
        this.berth = berth;
        this.mapper = mapper;
        this.clock = clock;
    }

    /** The caller organization's pools; for a system administrator, the system pools too. */
    public List<WarmPoolDto> list(Caller caller) {
        List<WarmPool> out = new ArrayList<>(pools.findByScopeOrderByCreatedAtAsc(caller.organizationId()));
        if (caller.systemAdmin()) {
            out.addAll(pools.findByScopeOrderByCreatedAtAsc(WarmPool.SYSTEM));
        }
        return out.stream().map(this::toDto).toList();
    }

    public WarmPoolDto create(Caller caller, WarmPoolRequests.Create r) {
        if (r == null) {
            throw new InvalidRequestException("body: give {snapshot, pool, target?}");
        }
        int size = size("pool", r.pool(), props.maxPool());
        return toDto(insert(caller.organizationId(), caller, r.snapshot(), r.target(), size, size));
    }

    /** A system pool (administrators): serves every organization. */
    public WarmPoolDto createSystem(Caller caller, WarmPoolRequests.CreateSystem r) {
        if (r == null) {
            throw new InvalidRequestException("body: give {snapshot, pool, min?, target?}");
        }
        int max = size("pool", r.pool(), Integer.MAX_VALUE);
        int min = r.min() == null ? max : size("min", r.min(), max);
        return toDto(insert(WarmPool.SYSTEM, caller, r.snapshot(), r.target(), min, max));
    }

    private WarmPool insert(String scope, Caller caller, String snapshotRef, String target, int min, int max) {
        if (snapshotRef == null || snapshotRef.isBlank()) {
            throw new InvalidRequestException("snapshot: required; name a snapshot (e.g. berth/busybox) or its id");
        }
        Snapshot s = snapshots.findVisible(caller.organizationId(), snapshotRef).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("snapshot '" + snapshotRef + "' not found"));
        if (WarmPool.SYSTEM.equals(scope) && !s.isGeneral()) {
            throw new InvalidRequestException("snapshot: a system pool serves every organization, so its snapshot "
                    + "must be a general one; '" + s.getName() + "' belongs to one organization");
        }
        if (WarmPool.SYSTEM.equals(scope) && systemPool.ownsSystemPoolsOf(s.getName())) {
            throw new ConflictException("the system pool of snapshot '" + s.getName() + "' is kept by the "
                    + "configuration (berth.warm-pools.system.*), which drains one in any other region; change it "
                    + "there, or set berth.warm-pools.system.target to leave other regions to this API");
        }
        String region = region(target);
        Resources res = defaultResources();
        pools.findByScopeAndSnapshotIdAndTarget(scope, s.getId(), region).ifPresent(p -> {
            throw new ConflictException("a warm pool for snapshot '" + s.getName() + "' in region '" + region
                    + "' exists already (" + p.getId() + "); change its size with PATCH /api/warm-pools/" + p.getId());
        });
        WarmPool p = new WarmPool(UUID.randomUUID().toString(), scope, s.getId(), s.getName(), region, min, max,
                res.cpu(), res.memoryGiB(), res.diskGiB(), "root", clock.instant());
        try {
            p = pools.saveAndFlush(p);
        } catch (DataIntegrityViolationException e) {
            throw new ConflictException("a warm pool for snapshot '" + s.getName() + "' in region '" + region
                    + "' exists already");
        }
        replenisher.signal(p.getId());
        return p;
    }

    public WarmPoolDto update(Caller caller, String id, WarmPoolRequests.Update r) {
        if (r == null) {
            throw new InvalidRequestException("body: give {pool}");
        }
        WarmPool p = owned(caller, id);
        if (p.isSystem()) {
            throw new InvalidRequestException("pool " + id + " is a system pool: change it with PATCH "
                    + "/api/admin/warm-pools/" + id);
        }
        int size = size("pool", r.pool(), props.maxPool());
        return toDto(resize(p, size, size));
    }

    public WarmPoolDto updateSystem(String id, WarmPoolRequests.UpdateSystem r) {
        if (r == null) {
            throw new InvalidRequestException("body: give {pool, min?}");
        }
        WarmPool p = pools.findById(id).filter(WarmPool::isSystem)
                .orElseThrow(() -> new NotFoundException("system warm pool " + id + " not found"));
        notConfigured(p);
        int max = size("pool", r.pool(), Integer.MAX_VALUE);
        int min = r.min() == null ? max : size("min", r.min(), max);
        return toDto(resize(p, min, max));
    }

    /** The system pool of {@code berth.warm-pools.system} belongs to the configuration, which every sweep applies. */
    private void notConfigured(WarmPool p) {
        if (systemPool.isConfigured(p)) {
            throw new ConflictException("warm pool " + p.getId() + " is the system pool of the configuration "
                    + "(berth.warm-pools.system.*): change it there (max: 0 removes it)");
        }
        if (p.isSystem() && systemPool.ownsSystemPoolsOf(p.getSnapshotName())) {
            // a change here would be undone by the next sweep, which drains every other pool of that snapshot
            throw new ConflictException("warm pool " + p.getId() + " is a system pool of snapshot '"
                    + p.getSnapshotName() + "' outside the region the configuration keeps it in; the configuration "
                    + "drains it (berth.warm-pools.system.*; set berth.warm-pools.system.target to leave other "
                    + "regions to this API)");
        }
    }

    /** The new size, written under the pool's row lock (a decision may be recording on it). */
    private WarmPool resize(WarmPool p, int min, int max) {
        WarmPool saved = tx.execute(st -> {
            WarmPool locked = pools.lockById(p.getId())
                    .orElseThrow(() -> new NotFoundException("warm pool " + p.getId() + " not found"));
            locked.resize(min, max, clock.instant());
            return pools.saveAndFlush(locked);
        });
        replenisher.signal(saved.getId());
        return saved;
    }

    /** Deletes the pool; its unclaimed sandboxes are removed (by the next sweep if this replica dies first). */
    public void delete(Caller caller, String id) {
        WarmPool p = owned(caller, id);
        if (p.isSystem()) {
            notConfigured(p);
        }
        tx.executeWithoutResult(st -> pools.lockById(id).ifPresent(pools::delete));
        metrics.forget(id);
        replenisher.removeMembers(id);
    }

    /**
     * An organization is deleted only once its pools hold no sandbox: its pools (size 0 or empty) go with it; a
     * pool still holding sandboxes refuses the deletion, saying which.
     */
    @Override
    public void beforeDelete(String organizationId) {
        List<WarmPool> own = pools.findByScopeOrderByCreatedAtAsc(organizationId);
        for (WarmPool p : own) {
            int held = members.of(p.getId()).size();
            if (held > 0) {
                throw new ConflictException("organization " + organizationId + " keeps " + held + " sandboxes in "
                        + "warm pool " + p.getId() + " (" + p.getSnapshotName() + "); delete the pool (DELETE "
                        + "/api/warm-pools/" + p.getId() + ") and retry once its sandboxes are gone");
            }
        }
        pools.deleteAll(own);
    }

    private WarmPool owned(Caller caller, String id) {
        WarmPool p = pools.findById(id).orElseThrow(() -> new NotFoundException("warm pool " + id + " not found"));
        if (p.isSystem() ? !caller.systemAdmin() : !p.getScope().equals(caller.organizationId())) {
            // another organization's pool does not exist for this caller
            throw new NotFoundException("warm pool " + id + " not found");
        }
        return p;
    }

    /**
     * Serves a create from a pool when one matches (snapshot, region, resources, user): the caller's own pools
     * first, then system pools. Empty when none matches or every matching pool is empty: the create goes cold.
     */
    @Override
    public Optional<Sandbox> claim(String snapshotId, String target, String osUser, PoolClaims.Request r) {
        long t0 = System.nanoTime();
        Resources res = r.resources();
        List<WarmPool> matching = pools.findMatching(r.organizationId(), snapshotId, target, res.cpu(),
                res.memoryGiB(), res.diskGiB(), osUser);
        if (matching.isEmpty()) {
            metrics.noPool();
            return Optional.empty();
        }
        List<PoolClaims.Candidate> candidates = matching.stream()
                .map(p -> new PoolClaims.Candidate(p.getId(), !p.isSystem())).toList();
        Optional<Sandbox> got = claims.claim(candidates, r);
        if (got.isPresent()) {
            metrics.claimed(got.get().getWarmPoolId(), Duration.ofNanos(System.nanoTime() - t0));
            replenisher.signalAfterClaim(got.get().getWarmPoolId());
        } else {
            matching.forEach(p -> {
                metrics.empty(p.getId());
                replenisher.signal(p.getId());
            });
        }
        return got;
    }

    @Override
    public void sweep() {
        replenisher.sweep();
    }

    /** The resources a create that names only a snapshot gets (what a pool's sandboxes are made with). */
    Resources defaultResources() {
        var sb = berth.sandbox();
        return new Resources(sb.defaultCpu(), sb.defaultMemory(), sb.defaultDisk());
    }

    private String region(String target) {
        String region = target == null || target.isBlank() ? replenisher.defaultTarget() : target;
        if (!regions.existsById(region)) {
            throw new InvalidRequestException("target: unknown region '" + region + "'; known regions: "
                    + regions.findAll().stream().map(Region::getId).sorted().toList());
        }
        return region;
    }

    private static int size(String field, Integer v, int max) {
        if (v == null) {
            throw new InvalidRequestException(field + ": required; the number of sandboxes to keep ready (0 drains)");
        }
        if (v < 0 || v > max) {
            throw new InvalidRequestException(field + ": must be between 0 and " + max + ", was " + v);
        }
        return v;
    }

    WarmPoolDto toDto(WarmPool p) {
        int ready = (int) members.of(p.getId()).stream().filter(s -> s.getState() == SandboxState.STARTED).count();
        return new WarmPoolDto(p.getId(), p.isSystem() ? PoolMembers.SYSTEM_ORGANIZATION : p.getScope(),
                p.getSnapshotName(), p.getTarget(), p.getPool(), ready, p.getCpu(), p.getMemoryGib(),
                p.getDiskGib(), p.getOsUser(), mapper.fromJson(p.getEnvJson()), p.getErrorReason(),
                p.getCreatedAt().toString(), p.getUpdatedAt().toString());
    }
}
