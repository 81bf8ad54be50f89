package dev.berth.server.toolbox.process;

import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /env {set?, unset?}}: the SDK's {@code sandbox.updateEnv} (see {@link SandboxEnv}). */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}")
class EnvController {

    record UpdateEnvRequest(Map<String, String> set, List<String> unset) {
    }

    private final ToolboxTargets targets;
    private final SandboxEnv env;

    EnvController(ToolboxTargets targets, SandboxEnv env) {
        this.targets = targets;
        this.env = env;
    }

    @PostMapping("/env")
    void update(Caller caller, @PathVariable String sandboxId, @RequestBody(required = false) UpdateEnvRequest body) {
        Target t = targets.resolve(caller, sandboxId);
        if (body != null) {
            env.update(t, body.set(), body.unset());
        }
    }
}
