package dev.berth.server.sandbox;

import dev.berth.server.audit.AuditContext;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.snapshot.Snapshot;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code sandbox.createSnapshot(name)} and {@code sandbox.fork({name})}. */
@RestController
@RequestMapping("/api/sandbox")
public class SandboxSnapshotController {

    private final SandboxSnapshots snapshots;
    private final SandboxService sandboxes;
    private final SandboxMapper mapper;

    private final tools.jackson.databind.json.JsonMapper json;

    public SandboxSnapshotController(SandboxSnapshots snapshots, SandboxService sandboxes, SandboxMapper mapper,
            tools.jackson.databind.json.JsonMapper json) {
        this.json = json;
        this.snapshots = snapshots;
        this.sandboxes = sandboxes;
        this.mapper = mapper;
    }

    public record NameRequest(String name) {
    }

    /** Answers the sandbox (as the SDK expects) once the snapshot is active. */
    @PostMapping("/{idOrName}/snapshot")
    @RequiresPermission(Permission.WRITE_SNAPSHOTS)
    public SandboxDto snapshot(Caller caller, @PathVariable String idOrName,
            @RequestBody(required = false) tools.jackson.databind.JsonNode raw) {
        NameRequest body = dev.berth.server.api.StrictBodies.parse(raw, NameRequest.class, json);
        Snapshot s = snapshots.snapshot(caller, idOrName, body == null ? null : body.name());
        AuditContext.setTarget("snapshot", s.getId());
        return mapper.toDto(sandboxes.get(caller, idOrName), true);
    }

    /** A fork keeps a snapshot of its source, so it needs both permissions. */
    @PostMapping("/{idOrName}/fork")
    @RequiresPermission({Permission.WRITE_SANDBOXES, Permission.WRITE_SNAPSHOTS})
    public SandboxDto fork(Caller caller, @PathVariable String idOrName,
            @RequestBody(required = false) tools.jackson.databind.JsonNode raw) {
        NameRequest body = dev.berth.server.api.StrictBodies.parse(raw, NameRequest.class, json);
        var fork = snapshots.fork(caller, idOrName, body == null ? null : body.name());
        AuditContext.setTarget("sandbox", fork.getId());
        return mapper.toDto(fork, true);
    }
}
