package dev.berth.server.sandbox;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.audit.AuditContext;
import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The Daytona-compatible sandbox API. */
@RestController
@RequestMapping("/api/sandbox")
public class SandboxController {

    private final SandboxService service;
    private final SandboxQuery query;
    private final SandboxMapper mapper;
    private final StartAction start;
    private final StopAction stop;
    private final DestroyAction destroy;
    private final JsonMapper json;
    private final NetworkSettingsService network;
    private final ResumeAction resume;

    private final dev.berth.server.snapshot.SnapshotLogStreams buildLogStreams;

    public SandboxController(dev.berth.server.snapshot.SnapshotLogStreams buildLogStreams, SandboxService service, SandboxQuery query, SandboxMapper mapper, StartAction start,
            StopAction stop, DestroyAction destroy, JsonMapper json, NetworkSettingsService network, ResumeAction resume) {
        this.network = network;
        this.resume = resume;
        this.buildLogStreams = buildLogStreams;
        this.service = service;
        this.query = query;
        this.mapper = mapper;
        this.start = start;
        this.stop = stop;
        this.destroy = destroy;
        this.json = json;
    }

    @PostMapping
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto create(Caller caller, @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        Sandbox created = service.create(caller, CreateRequests.parse(body, json));
        AuditContext.setTarget("sandbox", created.getId());
        return mapper.toDto(created, true);
    }

    public record ListResponse(List<SandboxDto> items, String nextCursor) {
    }

    @GetMapping
    @Access(Access.Level.MEMBER)
    public ListResponse list(Caller caller,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) String cursor,
            @RequestParam(required = false) String labels,
            @RequestParam(required = false) List<String> states) {
        var page = query.list(caller.organizationId(), limit, cursor, parseLabels(labels), parseStates(states));
        return new ListResponse(page.items().stream().map(s -> mapper.toDto(s, false)).toList(), page.nextCursor());
    }

    @GetMapping("/{idOrName}")
    @Access(Access.Level.MEMBER)
    public SandboxDto get(Caller caller, @PathVariable String idOrName) {
        return mapper.toDto(service.get(caller, idOrName), true);
    }

    @PostMapping("/{idOrName}/network-settings")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto networkSettings(Caller caller, @PathVariable String idOrName,
            @RequestBody(required = false) NetworkSettingsService.Request body) {
        Sandbox s = network.update(caller, idOrName, body);
        AuditContext.setTarget("sandbox", s.getId());
        return mapper.toDto(s, true);
    }

    @PostMapping("/{idOrName}/start")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto start(Caller caller, @PathVariable String idOrName) {
        Sandbox s = service.get(caller, idOrName);
        if (s.getState() == SandboxState.PAUSED || s.getState() == SandboxState.RESUMING) {
            return mapper.toDto(resume.execute(s.getId()), true); // a paused sandbox starts by thawing
        }
        return mapper.toDto(start.execute(s.getId()), true);
    }

    @PostMapping("/{idOrName}/stop")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto stop(Caller caller, @PathVariable String idOrName,
            @RequestParam(required = false, defaultValue = "false") boolean force) {
        return mapper.toDto(stop.execute(service.get(caller, idOrName).getId(), force), true);
    }

    @DeleteMapping("/{idOrName}")
    @RequiresPermission(Permission.DELETE_SANDBOXES)
    public SandboxDto delete(Caller caller, @PathVariable String idOrName) {
        return mapper.toDto(destroy.execute(service.get(caller, idOrName).getId()), true);
    }

    public record LabelsBody(Map<String, Object> labels) {
    }

    public record LabelsResponse(Map<String, String> labels) {
    }

    @PutMapping("/{idOrName}/labels")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public LabelsResponse labels(Caller caller, @PathVariable String idOrName, @RequestBody LabelsBody body) {
        Sandbox s = service.replaceLabels(caller, idOrName, body == null ? null : body.labels());
        return new LabelsResponse(mapper.fromJson(s.getLabelsJson()));
    }

    public record UrlResponse(String url) {
    }

    @GetMapping("/{idOrName}/build-logs-url")
    @Access(Access.Level.MEMBER)
    public UrlResponse buildLogsUrl(Caller caller, @PathVariable String idOrName) {
        Sandbox s = service.get(caller, idOrName);
        return new UrlResponse(mapper.publicUrl() + "/api/sandbox/" + s.getId() + "/build-logs");
    }

    /** The build log of the snapshot built for this sandbox (empty for a sandbox created from a snapshot). */
    @GetMapping(value = "/{idOrName}/build-logs", produces = org.springframework.http.MediaType.TEXT_PLAIN_VALUE)
    @Access(Access.Level.MEMBER)
    public org.springframework.http.ResponseEntity<org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody>
            buildLogs(Caller caller, @PathVariable String idOrName,
            @RequestParam(defaultValue = "false") boolean follow) {
        Sandbox s = service.get(caller, idOrName);
        var body = s.getBuildSnapshotId() == null
                ? (org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody) out -> { }
                : buildLogStreams.stream(s.getBuildSnapshotId(), follow);
        return org.springframework.http.ResponseEntity.ok().contentType(org.springframework.http.MediaType.TEXT_PLAIN)
                .body(body);
    }

    @GetMapping("/{idOrName}/toolbox-proxy-url")
    @Access(Access.Level.MEMBER)
    public UrlResponse toolboxProxyUrl(Caller caller, @PathVariable String idOrName) {
        service.get(caller, idOrName);
        return new UrlResponse(mapper.toolboxProxyUrl());
    }

    private Map<String, String> parseLabels(String labels) {
        if (labels == null || labels.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> raw = json.readValue(labels, new TypeReference<Map<String, Object>>() {
            });
            return SandboxService.strings("labels filter", raw);
        } catch (JacksonException e) {
            throw new InvalidRequestException("labels must be a JSON object of strings, e.g. labels={\"team\":\"a\"}");
        }
    }

    private static Set<SandboxState> parseStates(List<String> states) {
        if (states == null || states.isEmpty()) {
            return Set.of();
        }
        Set<SandboxState> out = EnumSet.noneOf(SandboxState.class);
        for (String raw : states) {
            for (String s : raw.split(",")) {
                out.add(SandboxState.fromWire(s.trim()).orElseThrow(() -> new InvalidRequestException(
                        "unknown state '" + s + "' in 'states'")));
            }
        }
        return out;
    }
}
