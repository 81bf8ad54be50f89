package dev.berth.server.sandbox;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.core.error.UnavailableException;
import dev.berth.core.error.UnprocessableException;
import dev.berth.core.sandbox.Labels;
import dev.berth.core.sandbox.ResourceLimits;
import dev.berth.core.sandbox.Resources;
import dev.berth.core.sandbox.SandboxName;
import dev.berth.server.auth.Caller;
import dev.berth.server.config.BerthProperties;
import dev.berth.server.snapshot.Snapshot;
import dev.berth.server.snapshot.SnapshotRepository;
import dev.berth.server.snapshot.SnapshotState;
import java.time.Clock;
import dev.berth.core.network.NetworkPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** Validates create requests completely before anything is written, then hands over to {@link CreateAction}. */
@Service
public class SandboxService {

    public static final String LANGUAGE_LABEL = "code-toolbox-language";
    static final int TEN_YEARS_MINUTES = 10 * 365 * 24 * 60;

    private final SandboxRepository repo;
    private final SnapshotRepository snapshots;
    private final dev.berth.server.snapshot.SnapshotService builds;
    private final CreateAction create;
    private final SandboxStore store;
    private final SandboxMapper mapper;
    private final BerthProperties props;
    private final ResourceLimits limits;
    private final Clock clock;

    private final WarmPools pools;
    private final dev.berth.server.network.NetworkPolicies networkPolicies;
    private final NetworkDefaults networkDefaults;
    private final java.time.Duration minute;
    private final dev.berth.server.runner.RunnerRegistry runners;

    public SandboxService(SandboxRepository repo, SnapshotRepository snapshots, CreateAction create, SandboxStore store,
            SandboxMapper mapper, BerthProperties props, Clock clock,
            @org.springframework.context.annotation.Lazy dev.berth.server.snapshot.SnapshotService builds,
            @org.springframework.context.annotation.Lazy WarmPools pools,
            dev.berth.server.network.NetworkPolicies networkPolicies,
            @org.springframework.context.annotation.Lazy NetworkDefaults networkDefaults,
            dev.berth.server.config.LifecycleProperties lifecycleProps, dev.berth.server.runner.RunnerRegistry runners) {
        this.runners = runners;
        this.minute = lifecycleProps.minute();
        this.networkPolicies = networkPolicies;
        this.networkDefaults = networkDefaults;
        this.pools = pools;
        this.builds = builds;
        this.repo = repo;
        this.snapshots = snapshots;
        this.create = create;
        this.store = store;
        this.mapper = mapper;
        this.props = props;
        this.clock = clock;
        var sb = props.sandbox();
        this.limits = new ResourceLimits(new Resources(sb.defaultCpu(), sb.defaultMemory(), sb.defaultDisk()),
                new Resources(1, 1, 1), new Resources(sb.maxCpu(), sb.maxMemory(), sb.maxDisk()));
    }

    public Sandbox create(Caller caller, CreateSandboxRequest req) {
        if (req == null) {
            req = CreateSandboxRequest.defaults();
        }
        boolean build = req.buildInfo() != null && !req.buildInfo().isEmpty();
        if (build && req.snapshot() != null && !req.snapshot().isBlank()) {
            throw new InvalidRequestException("give either 'snapshot' or 'buildInfo', not both");
        }
        if (req.volumes() != null && !req.volumes().isEmpty()) {
            throw new UnprocessableException("volumes are not supported yet; create the sandbox without 'volumes'");
        }
        if (req.gpu() != null && req.gpu() > 0) {
            throw new UnprocessableException("this Berth installation has no GPUs; request gpu 0 or leave it out");
        }
        Resources res = limits.resolve(req.cpu(), req.memory(), req.disk());
        Map<String, String> env = Labels.validate("env", strings("env", req.env()));
        Map<String, String> labels = Labels.validate("labels", strings("labels", req.labels()));
        LifecycleSettings lifecycle = lifecycle(req);
        String target = req.target() == null || req.target().isBlank() ? runners.defaultRegion(props.region())
                : req.target();
        String user = req.user() == null || req.user().isBlank() ? "root" : req.user();
        if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new InvalidRequestException("user '" + user + "' is not a valid OS user name");
        }
        // the organization's defaults, each field the request gives replacing the default's
        NetworkPolicy network = networkPolicies.resolve(networkDefaults.of(caller.organizationId()),
                req.networkBlockAll(), req.networkAllowList(), req.domainAllowList());
        String id = UUID.randomUUID().toString();
        String name = req.name() == null || req.name().isBlank() ? id : new SandboxName(req.name()).value();
        // an unnamed sandbox is named by its fresh id: nothing can hold that name (the unique index says so anyway)
        if (!name.equals(id) && repo.existsByOrganizationIdAndLiveName(caller.organizationId(), name)) {
            throw new ConflictException("a sandbox named '" + name
                    + "' already exists in this organization; choose another name or delete that one first");
        }
        Snapshot snapshot = build ? builds.buildFor(caller.organizationId(), buildString(req.buildInfo(),
                "dockerfileContent"), buildHashes(req.buildInfo()), res, target) : resolveSnapshot(caller, req.snapshot());
        Sandbox fresh = new Sandbox(id, caller.organizationId(), name, snapshot.getName(), snapshot.getImageName(), user,
                res.cpu(), res.memoryGiB(), res.diskGiB(), mapper.toJson(env), mapper.toJson(labels),
                Boolean.TRUE.equals(req.isPublic()), Boolean.TRUE.equals(req.networkBlockAll()), target,
                lifecycle.autoStop(), lifecycle.autoArchive(), lifecycle.autoDelete(), clock.instant());
        fresh.applyLifecycle(lifecycle, minute, clock.instant());
        fresh.changeNetworkPolicy(network, clock.instant());
        Instant now = clock.instant();
        if (snapshot.getLastUsedAt() == null || snapshot.getLastUsedAt().isBefore(now.minusSeconds(60))) {
            // at most once a minute per snapshot (the update says so too, for concurrent creates): not a write per create
            snapshots.touch(snapshot.getId(), now, now.minusSeconds(60));
        }
        if (snapshot.getState() == SnapshotState.ACTIVE && !network.restricted() && poolable(env, snapshot)) {
            String named = req.name() == null || req.name().isBlank() ? null : name;
            var claimed = pools.claim(snapshot.getId(), target, user, new PoolClaims.Request(caller.organizationId(),
                    named, env, labels, Boolean.TRUE.equals(req.isPublic()), lifecycle, res));
            if (claimed.isPresent()) {
                return claimed.get();
            }
        }
        if (build && snapshot.getState() != SnapshotState.ACTIVE) {
            fresh.waitForBuild(snapshot.getId());
            Sandbox waiting = create.insertWaiting(fresh);
            builds.signal();
            return waiting;
        }
        return create.execute(fresh);
    }

    /**
     * Whether a pool's sandbox, started before this request, can be it: nothing the request asks for may need the
     * container made differently. (Snapshot, region, resources and user are matched by the pools' own columns.)
     * A restricted network policy goes cold (the container starts under it, before its entrypoint); so does env for a
     * snapshot with an entrypoint of its own (that process would start without the env; the toolbox applies it to
     * the processes it starts).
     */
    private static boolean poolable(Map<String, String> env, Snapshot snapshot) {
        boolean ownEntrypoint = snapshot.getEntrypointJson() != null && !snapshot.getEntrypointJson().isBlank()
                && !snapshot.getEntrypointJson().equals("[]") && !snapshot.getEntrypointJson().equals("null");
        return env.isEmpty() || !ownEntrypoint;
    }

    private static String buildString(Map<String, Object> buildInfo, String key) {
        for (String k : buildInfo.keySet()) {
            if (!k.equals("dockerfileContent") && !k.equals("contextHashes")) {
                throw new InvalidRequestException("buildInfo." + k + ": unknown field; buildInfo has dockerfileContent "
                        + "and contextHashes");
            }
        }
        Object v = buildInfo.get(key);
        if (v != null && !(v instanceof String)) {
            throw new InvalidRequestException("buildInfo." + key + ": must be a string");
        }
        return (String) v;
    }

    private static List<String> buildHashes(Map<String, Object> buildInfo) {
        Object v = buildInfo.get("contextHashes");
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || l.stream().anyMatch(o -> !(o instanceof String))) {
            throw new InvalidRequestException("buildInfo.contextHashes: must be an array of strings");
        }
        return l.stream().map(String.class::cast).toList();
    }

    private Snapshot resolveSnapshot(Caller caller, String requested) {
        if (requested == null || requested.isBlank()) {
            Snapshot def = visible(caller, props.sandbox().defaultSnapshot())
                    .orElseThrow(() -> new UnavailableException("the default snapshot '"
                            + props.sandbox().defaultSnapshot() + "' is not registered yet; retry shortly"));
            if (def.getState() == SnapshotState.ACTIVE) {
                return def;
            }
            String fallback = props.sandbox().defaultSnapshotFallback();
            if (fallback != null && !fallback.isBlank()) {
                return resolveSnapshot(caller, fallback);
            }
            // the reason says what is happening to it (waiting for a runner, being built where and since when, or why
            // its build failed and when it is tried again), so the answer stays true in every mode
            throw new UnavailableException("the default snapshot '" + def.getName() + "' is not active yet (state '"
                    + def.getState().wireName() + "'" + (def.getErrorReason() == null ? "" : ": " + def.getErrorReason())
                    + "); retry later (GET /api/snapshots lists its state) or name a snapshot, "
                    + "e.g. {\"snapshot\":\"berth/busybox\"}");
        }
        Snapshot s = visible(caller, requested)
                .orElseThrow(() -> new NotFoundException("snapshot '" + requested + "' not found"));
        if (s.getState() != SnapshotState.ACTIVE) {
            throw new UnavailableException("snapshot '" + s.getName() + "' is not active (state '"
                    + s.getState().wireName() + "'); retry when it is");
        }
        return s;
    }

    private Optional<Snapshot> visible(Caller caller, String ref) {
        return snapshots.findVisible(caller.organizationId(), ref).stream().findFirst();
    }

    /** The server's per-sandbox bounds (berth.sandbox.*). */
    ResourceLimits limits() {
        return limits;
    }

    public Sandbox get(Caller caller, String idOrName) {
        return repo.findLive(caller.organizationId(), idOrName)
                .orElseThrow(() -> new NotFoundException("sandbox '" + idOrName + "' not found"));
    }

    /** Replaces the labels; {@code code-toolbox-language} is kept unless the new labels set it. */
    public Sandbox replaceLabels(Caller caller, String idOrName, Map<String, Object> labels) {
        if (labels == null) {
            throw new InvalidRequestException("body must be {\"labels\": {\"key\": \"value\", ...}}");
        }
        Map<String, String> next = new LinkedHashMap<>(Labels.validate("labels", strings("labels", labels)));
        Sandbox s = get(caller, idOrName);
        String lang = mapper.fromJson(s.getLabelsJson()).get(LANGUAGE_LABEL);
        if (lang != null) {
            next.putIfAbsent(LANGUAGE_LABEL, lang);
        }
        String json = mapper.toJson(Labels.validate("labels", next));
        return store.update(s.getId(), x -> x.replaceLabels(json, clock.instant()));
    }

    static Map<String, String> strings(String what, Map<String, Object> in) {
        if (in == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : in.entrySet()) {
            if (!(e.getValue() instanceof String v)) {
                throw new InvalidRequestException(what + " value of '" + e.getKey() + "' must be a string, got "
                        + (e.getValue() == null ? "null" : e.getValue().getClass().getSimpleName().toLowerCase()));
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * The create's lifecycle fields with their defaults: auto-stop 15 min (off when auto-pause is given), archive
     * after 7 days (capped by the configured maximum), never deleted, no ttl. Auto-stop and auto-pause exclude each other (as in the SDK).
     */
    static LifecycleSettings lifecycle(CreateSandboxRequest req) {
        int autoPause = nonNegative("autoPauseInterval", req.autoPauseInterval(), 0);
        if (autoPause > 0 && req.autoStopInterval() != null && req.autoStopInterval() > 0) {
            throw new InvalidRequestException("autoStopInterval and autoPauseInterval exclude each other: give one of "
                    + "them (or 0 for the other)");
        }
        int autoStop = nonNegative("autoStopInterval", req.autoStopInterval(), autoPause > 0 ? 0 : 15);
        int autoArchive = nonNegative("autoArchiveInterval", req.autoArchiveInterval(), 7 * 24 * 60);
        int autoDelete = req.autoDeleteInterval() == null || req.autoDeleteInterval() < 0 ? -1 : req.autoDeleteInterval();
        for (var e : java.util.Map.of("autoStopInterval", autoStop, "autoPauseInterval", autoPause, "autoArchiveInterval",
                autoArchive, "autoDeleteInterval", autoDelete, "ttlMinutes", req.ttlMinutes() == null ? 0
                        : req.ttlMinutes()).entrySet()) {
            if (e.getValue() > TEN_YEARS_MINUTES) {
                throw new InvalidRequestException(e.getKey() + " must be at most 10 years (" + TEN_YEARS_MINUTES
                        + " minutes), got " + e.getValue());
            }
        }
        if (autoPause > 0 && autoDelete == 0) {
            throw new InvalidRequestException("an ephemeral sandbox (autoDeleteInterval 0) cannot have autoPauseInterval; "
                    + "set autoPauseInterval to 0");
        }
        Integer ttl = req.ttlMinutes();
        if (ttl != null && ttl < 0) {
            throw new InvalidRequestException("ttlMinutes must be 0 (no deadline) or more minutes, got " + ttl);
        }
        return new LifecycleSettings(autoStop, autoPause, autoArchive, autoDelete, ttl == null || ttl == 0 ? null : ttl);
    }

    private static int nonNegative(String field, Integer v, int def) {
        if (v == null) {
            return def;
        }
        if (v < 0) {
            throw new InvalidRequestException(field + " must be 0 or more minutes, got " + v);
        }
        return v;
    }
}
