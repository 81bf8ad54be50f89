package dev.berth.server.registry;

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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/docker-registry}: an organization's private registries. Passwords go in and never come out. */
@RestController
@RequestMapping("/api/docker-registry")
public class OrgRegistryController {

    private final OrgRegistries registries;

    private final tools.jackson.databind.json.JsonMapper json;

    public OrgRegistryController(OrgRegistries registries, tools.jackson.databind.json.JsonMapper json) {
        this.registries = registries;
        this.json = json;
    }

    public record Dto(String id, String name, String url, String username, String project, String registryType,
            String createdAt, String updatedAt) {
        static Dto of(OrgRegistry r) {
            return new Dto(r.getId(), r.getName(), r.getUrl(), r.getUsername(), r.getProject() == null ? "" : r.getProject(),
                    "organization", r.getCreatedAt().toString(), r.getUpdatedAt().toString());
        }
    }

    @GetMapping
    @Access(Access.Level.MEMBER)
    public List<Dto> list(Caller caller) {
        return registries.list(caller.organizationId()).stream().map(Dto::of).toList();
    }

    @GetMapping("/{id}")
    @Access(Access.Level.MEMBER)
    public Dto get(Caller caller, @PathVariable String id) {
        return Dto.of(registries.get(caller.organizationId(), id));
    }

    @PostMapping
    @RequiresPermission(Permission.WRITE_REGISTRIES)
    public Dto create(Caller caller, @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        return Dto.of(registries.create(caller.organizationId(),
                dev.berth.server.api.StrictBodies.parse(body, OrgRegistries.Request.class, json)));
    }

    @PatchMapping("/{id}")
    @RequiresPermission(Permission.WRITE_REGISTRIES)
    public Dto update(Caller caller, @PathVariable String id,
            @RequestBody(required = false) tools.jackson.databind.JsonNode body) {
        return Dto.of(registries.update(caller.organizationId(), id,
                dev.berth.server.api.StrictBodies.parse(body, OrgRegistries.Request.class, json)));
    }

    @DeleteMapping("/{id}")
    @RequiresPermission(Permission.DELETE_REGISTRIES)
    public ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        registries.delete(caller.organizationId(), id);
        return ResponseEntity.ok().build();
    }
}
