package dev.berth.server.snapshot;

import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.runner.RunnerRepository;
import dev.berth.server.config.PublicUrl;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** {@code daytona.snapshot}: {@code /api/snapshots}. */
@RestController
@RequestMapping("/api/snapshots")
public class SnapshotController {

    private final SnapshotService service;
    private final SnapshotLogStreams streams;
    private final RunnerRepository runners;
    private final SnapshotCopies copies;
    private final PublicUrl publicUrl;
    private final tools.jackson.databind.json.JsonMapper json;

    public SnapshotController(SnapshotCopies copies, SnapshotService service, SnapshotLogStreams streams,
            RunnerRepository runners,
            PublicUrl publicUrl, tools.jackson.databind.json.JsonMapper json) {
        this.json = json;
        this.copies = copies;
        this.service = service;
        this.streams = streams;
        this.runners = runners;
        this.publicUrl = publicUrl;
    }

    @GetMapping
    @Access(Access.Level.MEMBER)
    public SnapshotDto.Page list(Caller caller, @RequestParam(defaultValue = "1") int page,
            @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String sourceSandboxId) {
        var p = service.page(caller, page, limit, sourceSandboxId);
        var all = runners.findAll();
        return new SnapshotDto.Page(p.getContent().stream().map(s -> SnapshotMapper.toDto(s, all)).toList(),
                p.getTotalElements(), page, Math.max(1, p.getTotalPages()));
    }

    @GetMapping("/{idOrName}")
    @Access(Access.Level.MEMBER)
    public SnapshotDto get(Caller caller, @PathVariable String idOrName) {
        return SnapshotMapper.toDto(service.get(caller, idOrName), runners.findAll(), copies.all());
    }

    @PostMapping
    @RequiresPermission(Permission.WRITE_SNAPSHOTS)
    public SnapshotDto create(Caller caller, @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        return SnapshotMapper.toDto(service.create(caller, CreateSnapshotRequest.parse(body, json)), List.of());
    }

    @PostMapping("/{idOrName}/activate")
    @RequiresPermission(Permission.WRITE_SNAPSHOTS)
    public SnapshotDto activate(Caller caller, @PathVariable String idOrName) {
        return SnapshotMapper.toDto(service.activate(caller, idOrName), runners.findAll());
    }

    @PostMapping("/{idOrName}/deactivate")
    @RequiresPermission(Permission.WRITE_SNAPSHOTS)
    public SnapshotDto deactivate(Caller caller, @PathVariable String idOrName) {
        return SnapshotMapper.toDto(service.deactivate(caller, idOrName), runners.findAll());
    }

    @DeleteMapping("/{idOrName}")
    @RequiresPermission(Permission.DELETE_SNAPSHOTS)
    public ResponseEntity<Void> delete(Caller caller, @PathVariable String idOrName,
            @RequestParam(defaultValue = "false") boolean force) {
        service.delete(caller, idOrName, force);
        return ResponseEntity.ok().build();
    }

    public record UrlResponse(String url) {
    }

    @GetMapping("/{idOrName}/build-logs-url")
    @Access(Access.Level.MEMBER)
    public UrlResponse buildLogsUrl(Caller caller, @PathVariable String idOrName) {
        Snapshot s = service.get(caller, idOrName);
        return new UrlResponse(publicUrl.get() + "/api/snapshots/" + s.getId() + "/build-logs");
    }

    @GetMapping(value = "/{idOrName}/build-logs", produces = MediaType.TEXT_PLAIN_VALUE)
    @Access(Access.Level.MEMBER)
    public ResponseEntity<StreamingResponseBody> buildLogs(Caller caller, @PathVariable String idOrName,
            @RequestParam(defaultValue = "false") boolean follow) {
        Snapshot s = service.get(caller, idOrName);
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(streams.stream(s.getId(), follow));
    }
}
