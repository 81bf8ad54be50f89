package dev.berth.server.toolbox.files;

import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxTargets;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /user-home-dir} and {@code /work-dir}: the sandbox user's home; the work dir is the home. */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}")
public class SandboxDirsController {

    public record Dir(String dir) {
    }

    private final ToolboxTargets targets;
    private final SandboxUsers users;

    public SandboxDirsController(ToolboxTargets targets, SandboxUsers users) {
        this.targets = targets;
        this.users = users;
    }

    @GetMapping("/user-home-dir")
    public Dir home(Caller caller, @PathVariable String sandboxId) {
        return new Dir(users.of(targets.resolve(caller, sandboxId)).home());
    }

    @GetMapping("/work-dir")
    public Dir workDir(Caller caller, @PathVariable String sandboxId) {
        return new Dir(users.of(targets.resolve(caller, sandboxId)).home());
    }
}
