package dev.berth.server.warmpool;

import dev.berth.server.api.StrictBodies;
import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code daytona.warmPool}: {@code /api/warm-pools}. Reading needs membership; creating and resizing a pool
 * needs {@code write:sandboxes} (a pool starts sandboxes on the organization's quota), deleting one
 * {@code delete:sandboxes}. System pools: {@code /api/admin/warm-pools}, system administrators only.
 */
@RestController
public class WarmPoolController {

    private final WarmPoolService service;
    private final JsonMapper json;

    public WarmPoolController(WarmPoolService service, JsonMapper json) {
        this.service = service;
        this.json = json;
    }

    @GetMapping("/api/warm-pools")
    @Access(Access.Level.MEMBER)
    public List<WarmPoolDto> list(Caller caller) {
        return service.list(caller);
    }

    @PostMapping("/api/warm-pools")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public WarmPoolDto create(Caller caller, @RequestBody(required = false) JsonNode body) {
        return service.create(caller, StrictBodies.parse(body, WarmPoolRequests.Create.class, json));
    }

    @PatchMapping("/api/warm-pools/{id}")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public WarmPoolDto update(Caller caller, @PathVariable String id, @RequestBody(required = false) JsonNode body) {
        return service.update(caller, id, StrictBodies.parse(body, WarmPoolRequests.Update.class, json));
    }

    @DeleteMapping("/api/warm-pools/{id}")
    @RequiresPermission(Permission.DELETE_SANDBOXES)
    public ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        service.delete(caller, id);
        return ResponseEntity.ok().build();
    }

    @PostMapping("/api/admin/warm-pools")
    @Access(Access.Level.SYSTEM_ADMIN)
    public WarmPoolDto createSystem(Caller caller, @RequestBody(required = false) JsonNode body) {
        return service.createSystem(caller, StrictBodies.parse(body, WarmPoolRequests.CreateSystem.class, json));
    }

    @PatchMapping("/api/admin/warm-pools/{id}")
    @Access(Access.Level.SYSTEM_ADMIN)
    public WarmPoolDto updateSystem(@PathVariable String id, @RequestBody(required = false) JsonNode body) {
        return service.updateSystem(id, StrictBodies.parse(body, WarmPoolRequests.UpdateSystem.class, json));
    }

    @DeleteMapping("/api/admin/warm-pools/{id}")
    @Access(Access.Level.SYSTEM_ADMIN)
    public ResponseEntity<Void> deleteSystem(Caller caller, @PathVariable String id) {
        service.delete(caller, id);
        return ResponseEntity.ok().build();
    }
}
