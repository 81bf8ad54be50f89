package dev.berth.server.toolbox.signed;

import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxService;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * A sandbox's signing key for file URLs, as the SDK reads it: a bare JSON string. Whoever reads the key can mint
 * download and upload links for any path of the sandbox, so reading it needs what the file toolbox needs
 * ({@code write:sandboxes}); so does rotating it.
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/sandbox/{idOrName}/signing-key")
public class SigningKeyController {

    private final SandboxService sandboxes;
    private final SigningKeyStore keys;
    private final JsonMapper json;

    public SigningKeyController(SandboxService sandboxes, SigningKeyStore keys, JsonMapper json) {
        this.sandboxes = sandboxes;
        this.keys = keys;
        this.json = json;
    }

    @GetMapping
    public ResponseEntity<String> get(Caller caller, @PathVariable String idOrName) {
        Sandbox s = sandboxes.get(caller, idOrName);
        return jsonString(keys.current(s.getId(), s.getOrganizationId()));
    }

    @PostMapping("/rotate")
    public ResponseEntity<String> rotate(Caller caller, @PathVariable String idOrName) {
        Sandbox s = sandboxes.get(caller, idOrName);
        return jsonString(keys.rotate(s.getId(), s.getOrganizationId()));
    }

    /** Written as JSON text ("..."); Spring's string converter would otherwise send it unquoted. */
    private ResponseEntity<String> jsonString(String key) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(json.writeValueAsString(key));
    }
}
