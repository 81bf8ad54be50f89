package dev.berth.server.snapshot;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.core.error.QuotaExceededException;
import dev.berth.core.error.UnprocessableException;
import dev.berth.core.sandbox.ResourceLimits;
import dev.berth.core.sandbox.Resources;
import dev.berth.server.auth.Caller;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.runner.RegionRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The snapshot API's rules: what may be created, seen, activated and removed, by whom. The work itself (pull,
 * build, push, propagation, removal) is done by {@link SnapshotWorker} from the recorded state.
 */
@Service
public class SnapshotService {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}");
    static final Pattern CONTEXT_HASH = Pattern.compile("[a-f0-9]{32,64}");
    static final int MAX_DOCKERFILE = 64 * 1024;
    static final int MAX_ENTRYPOINT = 64;
    static final int MAX_CONTEXTS = 64;

    private final SnapshotRepository snapshots;
    private final SnapshotUsers users;
    private final SnapshotQuotas quotas;
    private final RegionRepository regions;
    private final BerthProperties props;
    private final TransactionTemplate tx;
    private final SnapshotWorker worker;
    private final Clock clock;
    private final ResourceLimits limits;

    public SnapshotService(SnapshotRepository snapshots, @org.springframework.context.annotation.Lazy SnapshotUsers users,
            @org.springframework.context.annotation.Lazy SnapshotQuotas quotas,
            RegionRepository regions, BerthProperties props, TransactionTemplate tx, SnapshotWorker worker,
            Clock clock) {
        this.snapshots = snapshots;
        this.users = users;
        this.quotas = quotas;
        this.regions = regions;
        this.props = props;
        this.tx = tx;
        this.worker = worker;
        this.clock = clock;
        var sb = props.sandbox();
        this.limits = new ResourceLimits(new Resources(sb.defaultCpu(), sb.defaultMemory(), sb.defaultDisk()),
                new Resources(1, 1, 1), new Resources(sb.maxCpu(), sb.maxMemory(), sb.maxDisk()));
    }

    public Snapshot create(Caller caller, CreateSnapshotRequest req) {
        if (req == null) {
            throw new InvalidRequestException("body must be {\"name\": ..., \"imageName\": ...} or {\"name\": ..., "
                    + "\"buildInfo\": {\"dockerfileContent\": ...}}");
        }
        String name = validName(req.name());
        boolean image = req.imageName() != null && !req.imageName().isBlank();
        boolean build = req.buildInfo() != null;
        if (image == build) {
            throw new InvalidRequestException("give exactly one of 'imageName' (an image to pull) and 'buildInfo' "
                    + "(a Dockerfile to build)");
        }
        if (req.gpu() != null && req.gpu() > 0 || req.gpuType() != null && !req.gpuType().isEmpty()) {
            throw new UnprocessableException("gpu: this Berth installation has no GPUs; leave 'gpu' and 'gpuType' out");
        }
        if (req.sandboxClass() != null) {
            throw new UnprocessableException("sandboxClass: snapshots are not tied to a sandbox class here; leave it out");
        }
        Resources res = limits.resolve(req.cpu(), req.memory(), req.disk());
        String region = region(req.regionId());
        String entrypoint = SnapshotEntrypoints.json(entrypoint(req.entrypoint()));
        Snapshot s = Snapshot.pending(UUID.randomUUID().toString(), caller.organizationId(), name, res.cpu(),
                res.memoryGiB(), res.diskGiB(), region, clock.instant());
        if (image) {
            String ref = req.imageName().trim();
            if (ref.length() > 255 || ref.chars().anyMatch(Character::isWhitespace)) {
                throw new InvalidRequestException("imageName: '" + abbreviate(ref) + "' is not an image reference");
            }
            s.fromImage(ref, entrypoint);
        } else {
            var b = req.buildInfo();
            String dockerfile = dockerfile(b.dockerfileContent());
            List<String> hashes = contextHashes(b.contextHashes());
            s.fromDockerfile(dockerfile, hashes.isEmpty() ? null : String.join(",", hashes), buildHash(dockerfile, hashes),
                    entrypoint);
            // 'building' from the start (queued or running, the log says which): the SDK opens the build log only
            // when it sees a state that is neither 'pending' nor final, and polls once a second, so a build done
            // within a second of a 'pending' answer would show its caller no log at all
            s.moveTo(SnapshotState.BUILDING, null, clock.instant());
        }
        return insert(caller.organizationId(), s);
    }

    /**
     * The snapshot a sandbox created from a Dockerfile runs: an earlier build of the same Dockerfile and contexts
     * in this organization (reused, whatever its state but failed), or a new one named after its hash.
     */
    public Snapshot buildFor(String organizationId, String dockerfileContent, List<String> contextHashes,
            Resources res, String region) {
        String dockerfile = dockerfile(dockerfileContent);
        List<String> hashes = contextHashes(contextHashes);
        region = region(region);
        String hash = buildHash(dockerfile, hashes);
        Optional<Snapshot> earlier = snapshots.findBuilds(organizationId, hash,
                EnumSet.of(SnapshotState.PENDING, SnapshotState.BUILDING, SnapshotState.ACTIVE)).stream().findFirst();
        if (earlier.isPresent()) {
            return earlier.get();
        }
        Snapshot s = Snapshot.pending(UUID.randomUUID().toString(), organizationId, "berth-build-" + hash.substring(0, 16),
                res.cpu(), res.memoryGiB(), res.diskGiB(), region, clock.instant());
        s.fromDockerfile(dockerfile, hashes.isEmpty() ? null : String.join(",", hashes), hash, null);
        try {
            return insert(organizationId, s);
        } catch (ConflictException e) {
            // a concurrent create of the same build, or an inactive/failed one under that name: use or replace it
            Snapshot named = snapshots.findByScopeAndName(organizationId, s.getName()).orElseThrow(() -> e);
            if (named.getState() == SnapshotState.BUILD_FAILED || named.getState() == SnapshotState.ERROR) {
                throw new ConflictException("an earlier build of this Dockerfile failed and is kept as snapshot '"
                        + named.getName() + "' (" + named.getErrorReason() + "); delete it to build again");
            }
            return named;
        }
    }

    /** Records a snapshot another service makes (a sandbox's commit), under the same quota and name rules. */
    public Snapshot insertOwned(String organizationId, Snapshot s) {
        return insert(organizationId, s);
    }

    private Snapshot insert(String organizationId, Snapshot s) {
        try {
            Snapshot saved = tx.execute(st -> {
                int quota = quotas.lockAndGetSnapshotCount(organizationId);
                long count = snapshots.countByScope(organizationId);
                if (count >= quota) {
                    throw new QuotaExceededException("snapshot quota reached: this organization has " + count
                            + " snapshots and may have " + quota + "; delete one first");
                }
                if (snapshots.findByScopeAndName(organizationId, s.getName()).isPresent()) {
                    throw new ConflictException("a snapshot named '" + s.getName() + "' already exists in this "
                            + "organization; choose another name or delete that one first");
                }
                return snapshots.saveAndFlush(s);
            });
            worker.signal();
            return saved;
        } catch (DataIntegrityViolationException e) {
            throw new ConflictException("a snapshot named '" + s.getName() + "' already exists in this organization");
        }
    }

    public org.springframework.data.domain.Page<Snapshot> page(Caller caller, int page, int limit, String source) {
        if (page < 1) {
            throw new InvalidRequestException("page: must be 1 or more, was " + page);
        }
        if (limit < 1 || limit > 200) {
            throw new InvalidRequestException("limit: must be between 1 and 200, was " + limit);
        }
        return snapshots.findVisiblePage(caller.organizationId(), source, PageRequest.of(page - 1, limit));
    }

    /** Work was recorded (a sandbox waits for a build): the worker looks now. */
    public void signal() {
        worker.signal();
    }

    public Snapshot get(Caller caller, String idOrName) {
        return snapshots.findVisible(caller.organizationId(), idOrName).stream().findFirst()
                .orElseThrow(() -> new NotFoundException("snapshot '" + idOrName + "' not found"));
    }

    /** A snapshot the caller's organization owns (general ones are Berth's, not the caller's to change). */
    private Snapshot owned(Caller caller, String idOrName, String action) {
        Snapshot s = get(caller, idOrName);
        if (s.isGeneral()) {
            throw new ForbiddenException("snapshot '" + s.getName() + "' is one of Berth's own; it cannot be "
                    + action + " by an organization");
        }
        return s;
    }

    public Snapshot activate(Caller caller, String idOrName) {
        Snapshot s = owned(caller, idOrName, "activated");
        return change(s.getId(), row -> {
            switch (row.getState()) {
                case ACTIVE -> { }
                case INACTIVE -> row.moveTo(SnapshotState.ACTIVE, null, clock.instant());
                default -> throw new ConflictException("snapshot '" + row.getName() + "' is '" + row.getState().wireName()
                        + "'; only an inactive snapshot can be activated");
            }
            row.used(clock.instant());
        });
    }

    public Snapshot deactivate(Caller caller, String idOrName) {
        Snapshot s = owned(caller, idOrName, "deactivated");
        return change(s.getId(), row -> {
            switch (row.getState()) {
                case INACTIVE -> { }
                case ACTIVE -> row.moveTo(SnapshotState.INACTIVE, null, clock.instant());
                default -> throw new ConflictException("snapshot '" + row.getName() + "' is '" + row.getState().wireName()
                        + "'; only an active snapshot can be deactivated");
            }
        });
    }

    /** Marks a snapshot for removal; refused while live sandboxes use it, unless forced. */
    public void delete(Caller caller, String idOrName, boolean force) {
        Snapshot s = owned(caller, idOrName, "deleted");
        long inUse = this.users.liveSandboxesUsing(s.getScope(), s.getName(), s.getId());
        if (inUse > 0 && !force) {
            throw new ConflictException("snapshot '" + s.getName() + "' is used by " + inUse + " sandbox(es); delete "
                    + "them first, or delete with ?force=true (their containers keep running; they cannot be created "
                    + "again from it)");
        }
        change(s.getId(), row -> row.moveTo(SnapshotState.REMOVING, null, clock.instant()));
    }

    private Snapshot change(String id, java.util.function.Consumer<Snapshot> f) {
        Snapshot saved = tx.execute(st -> {
            Snapshot row = snapshots.findById(id).orElseThrow(() -> new NotFoundException("snapshot '" + id + "' not found"));
            f.accept(row);
            return snapshots.save(row);
        });
        worker.signal();
        return saved;
    }

    private String validName(String name) {
        return SnapshotServiceNames.valid(name);
    }

    private String region(String regionId) {
        if (regionId == null || regionId.isBlank()) {
            return worker.defaultRegion(); // cluster mode: the region of the ready runners, as for sandboxes
        }
        if (regions.findById(regionId).isEmpty() && !regionId.equals(props.region())) {
            throw new InvalidRequestException("regionId: no region '" + abbreviate(regionId) + "'; known: "
                    + regions.findAll().stream().map(r -> r.getId()).toList());
        }
        return regionId;
    }

    private static List<String> entrypoint(List<String> entrypoint) {
        if (entrypoint == null || entrypoint.isEmpty()) {
            return List.of();
        }
        if (entrypoint.size() > MAX_ENTRYPOINT) {
            throw new InvalidRequestException("entrypoint: at most " + MAX_ENTRYPOINT + " words, was " + entrypoint.size());
        }
        for (String w : entrypoint) {
            if (w == null || w.length() > 4096 || w.indexOf('\0') >= 0) {
                throw new InvalidRequestException("entrypoint: each word must be a string of at most 4096 characters "
                        + "without NUL");
            }
        }
        return entrypoint;
    }

    static String dockerfile(String content) {
        if (content == null || content.isBlank()) {
            throw new InvalidRequestException("buildInfo.dockerfileContent: a Dockerfile is required");
        }
        if (content.length() > MAX_DOCKERFILE) {
            throw new InvalidRequestException("buildInfo.dockerfileContent: at most " + MAX_DOCKERFILE
                    + " characters, was " + content.length());
        }
        if (content.indexOf('\0') >= 0) {
            throw new InvalidRequestException("buildInfo.dockerfileContent: contains a NUL character");
        }
        return content;
    }

    static List<String> contextHashes(List<String> hashes) {
        if (hashes == null || hashes.isEmpty()) {
            return List.of();
        }
        if (hashes.size() > MAX_CONTEXTS) {
            throw new InvalidRequestException("buildInfo.contextHashes: at most " + MAX_CONTEXTS + " contexts, was "
                    + hashes.size());
        }
        for (String h : hashes) {
            if (h == null || !CONTEXT_HASH.matcher(h).matches()) {
                throw new InvalidRequestException("buildInfo.contextHashes: '" + abbreviate(String.valueOf(h))
                        + "' is not a context hash (lower-case hex)");
            }
        }
        return List.copyOf(new java.util.TreeSet<>(hashes));
    }

    static String buildHash(String dockerfile, List<String> hashes) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(dockerfile.getBytes(StandardCharsets.UTF_8));
            for (String h : new ArrayList<>(hashes).stream().sorted().toList()) {
                d.update((byte) 0);
                d.update(h.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }
}
