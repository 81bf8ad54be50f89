package dev.berth.server.sandbox;

import dev.berth.server.audit.AuditContext;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/sandbox/{idOrName}/resize {cpu?, memory?, disk?}} (the SDK's {@code sandbox.resize}). */
@RestController
public class SandboxResizeController {

    private final SandboxService sandboxes;
    private final ResizeAction resize;
    private final SandboxMapper mapper;
    private final tools.jackson.databind.json.JsonMapper json;

    public SandboxResizeController(SandboxService sandboxes, ResizeAction resize, SandboxMapper mapper,
            tools.jackson.databind.json.JsonMapper json) {
        this.json = json;
        this.sandboxes = sandboxes;
        this.resize = resize;
        this.mapper = mapper;
    }

    @PostMapping("/api/sandbox/{idOrName}/resize")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto resize(Caller caller, @PathVariable String idOrName,
            @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        // every field honoured or refused by name (a misspelt "ram" is a 400, not a silent no-op)
        ResizeAction.Request req = dev.berth.server.api.StrictBodies.parse(body, ResizeAction.Request.class, json);
        Sandbox s = sandboxes.get(caller, idOrName);
        AuditContext.setTarget("sandbox", s.getId());
        return mapper.toDto(resize.execute(s.getId(), req), true);
    }
}
