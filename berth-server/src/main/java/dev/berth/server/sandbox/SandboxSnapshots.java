package dev.berth.server.sandbox;

import dev.berth.core.error.BerthException;
import dev.berth.core.error.ConflictException;
import dev.berth.core.error.EngineException;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.auth.Caller;
import dev.berth.server.registry.SnapshotRegistry;
import dev.berth.server.runner.EmbeddedRunnerRegistration;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.snapshot.Snapshot;
import dev.berth.server.snapshot.SnapshotRepository;
import dev.berth.server.snapshot.SnapshotService;
import dev.berth.server.snapshot.SnapshotServiceNames;
import dev.berth.server.snapshot.SnapshotState;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Snapshots of sandboxes: the sandbox's writable layer committed on its runner as one layer over its snapshot's
 * image and pushed to the registry, which stores only that layer (the ones below are there already). A fork is
 * such a snapshot followed by a create from it: it has the source's files, not its memory or processes.
 */
@Service
public class SandboxSnapshots {

    private final SandboxService sandboxes;
    private final SnapshotRepository snapshots;
    private final SnapshotService service;
    private final dev.berth.server.snapshot.SnapshotQuotas quotas;
    private final RunnerRegistry runners;
    private final SnapshotRegistry registry;
    private final EmbeddedRunnerRegistration embedded;
    private final SandboxMapper mapper;
    private final TransactionTemplate tx;
    private final Clock clock;

    public SandboxSnapshots(SandboxService sandboxes, SnapshotRepository snapshots, SnapshotService service,
            RunnerRegistry runners, SnapshotRegistry registry, EmbeddedRunnerRegistration embedded, SandboxMapper mapper,
            TransactionTemplate tx, Clock clock, dev.berth.server.snapshot.SnapshotQuotas quotas) {
        this.quotas = quotas;
        this.sandboxes = sandboxes;
        this.snapshots = snapshots;
        this.service = service;
        this.runners = runners;
        this.registry = registry;
        this.embedded = embedded;
        this.mapper = mapper;
        this.tx = tx;
        this.clock = clock;
    }

    /** Commits the sandbox as snapshot {@code name}; answers once the snapshot is active. */
    public Snapshot snapshot(Caller caller, String sandboxIdOrName, String name) {
        Sandbox sb = sandboxes.get(caller, sandboxIdOrName);
        return commit(caller, sb, SnapshotServiceNames.valid(name));
    }

    /** A new sandbox with the source's files (and its resources, env, labels and user), started. */
    public Sandbox fork(Caller caller, String sandboxIdOrName, String name) {
        Sandbox sb = sandboxes.get(caller, sandboxIdOrName);
        Snapshot snap = commit(caller, sb,
                dev.berth.server.snapshot.SnapshotWorker.FORK_PREFIX + UUID.randomUUID().toString().substring(0, 13));
        Map<String, Object> env = new HashMap<>(mapper.fromJson(sb.getEnvJson()));
        Map<String, Object> labels = new HashMap<>(mapper.fromJson(sb.getLabelsJson()));
        var req = new CreateSandboxRequest(name, snap.getId(), sb.getOsUser(), env, labels, sb.isPublicAccess(),
                sb.isNetworkBlockAll(), sb.getNetworkAllowList(), sb.getDomainAllowList(), sb.getTarget(), sb.getCpu(), null, sb.getMemoryGib(), sb.getDiskGib(),
                sb.getAutoStopInterval(), sb.getAutoPauseInterval(), sb.getAutoArchiveInterval(),
                sb.getAutoDeleteInterval(), null, null, null);
        return sandboxes.create(caller, req);
    }

    private Snapshot commit(Caller caller, Sandbox sb, String name) {
        if (sb.getState() != SandboxState.STARTED && sb.getState() != SandboxState.STOPPED) {
            throw new ConflictException("sandbox '" + sb.getName() + "' is '" + sb.getState().wireName() + "'; a snapshot "
                    + "is taken of a started or stopped sandbox");
        }
        Snapshot parent = snapshots.findVisible(sb.getOrganizationId(), sb.getSnapshotName()).stream().findFirst()
                .orElse(null);
        Snapshot s = Snapshot.pending(UUID.randomUUID().toString(), sb.getOrganizationId(), name, sb.getCpu(),
                sb.getMemoryGib(), sb.getDiskGib(), sb.getTarget(), clock.instant());
        s.fromSandbox(sb.getId(), parent == null ? null : parent.getId());
        if (parent != null) {
            s.setEntrypointJson(parent.getEntrypointJson());
        }
        s.moveTo(SnapshotState.SNAPSHOTTING, null, clock.instant());
        Snapshot saved = service.insertOwned(caller.organizationId(), s);
        try {
            runners.byId(sb.getRunnerId()).commit(sb.getId(), saved.getImageName());
            var layers = registry.layers(saved.getImageName())
                    .orElseThrow(() -> new EngineException("the registry does not show the committed image"));
            long size = layers.stream().mapToLong(SnapshotRegistry.Layer::size).sum();
            long max = quotas.maxSnapshotBytes(sb.getOrganizationId());
            if (size > max) {
                throw new dev.berth.core.error.QuotaExceededException("the snapshot is " + (size >> 20) + " MiB "
                        + "(compressed); this organization's snapshots may be at most " + (max >> 30) + " GiB");
            }
            embedded.refreshImages();
            Snapshot done = update(saved.getId(), row -> {
                if (row.getState() == SnapshotState.SNAPSHOTTING) {
                    row.markActive(size, clock.instant());
                }
            });
            if (done.getState() != SnapshotState.ACTIVE) {
                throw new ConflictException("snapshot '" + name + "' was deleted while it was being taken");
            }
            return done;
        } catch (BerthException e) {
            try {
                registry.delete(saved.getImageName());
            } catch (RuntimeException ignored) {
                // nothing stored
            }
            update(saved.getId(), row -> {
                if (row.getState() == SnapshotState.SNAPSHOTTING) {
                    row.moveTo(SnapshotState.ERROR, "snapshot of sandbox " + sb.getId() + " failed: " + e.getMessage(),
                            clock.instant());
                }
            });
            throw e;
        }
    }

    private Snapshot update(String id, java.util.function.Consumer<Snapshot> change) {
        return tx.execute(st -> {
            Snapshot row = snapshots.findById(id).orElseThrow();
            change.accept(row);
            return snapshots.save(row);
        });
    }

    /** For tests and the DTO: the layers a snapshot adds over its parent. */
    public List<SnapshotRegistry.Layer> layers(Snapshot s) {
        return registry.layers(s.getImageName()).orElse(List.of());
    }
}
