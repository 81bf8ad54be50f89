package dev.berth.server.toolbox.files;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.FileInfo;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.util.List;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Toolbox file-system metadata operations (Daytona §3.3), executed inside the sandbox by its agent. */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}")
public class FilesController {

    private final ToolboxTargets targets;
    private final SandboxUsers users;

    public FilesController(ToolboxTargets targets, SandboxUsers users) {
        this.targets = targets;
        this.users = users;
    }

    @GetMapping("/files")
    public List<FileInfoResponse> list(Caller caller, @PathVariable String sandboxId,
            @RequestParam(required = false) String path, @RequestParam(required = false) Integer depth)
            throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        String dir = path == null || path.isEmpty() ? users.of(t).home() : users.resolve(t, path);
        return DirectoryListing.list(t.agent(), dir, depth == null ? 1 : depth);
    }

    @GetMapping("/files/info")
    public FileInfoResponse info(Caller caller, @PathVariable String sandboxId, @RequestParam String path)
            throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        String p = users.resolve(t, path);
        return FileInfoResponse.of(p, t.agent().stat(p));
    }

    @PostMapping("/files/folder")
    public void createFolder(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            @RequestParam(required = false) String mode) throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        SandboxUser user = users.of(t);
        String p = user.resolve(path);
        t.agent().mkdir(p, mode == null || mode.isEmpty() ? 0755 : FileModes.parse(mode), true);
        if (user.ownerForNewFiles() != null) {
            t.agent().chown(p, user.ownerForNewFiles(), null);
        }
    }

    @DeleteMapping("/files")
    public void delete(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            @RequestParam(defaultValue = "false") boolean recursive) throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        String p = users.resolve(t, path);
        FileInfo f = t.agent().stat(p, false);
        if (f.isDirectory() && !recursive) {
            throw ToolboxException.badRequest(p + " is a directory; delete it with recursive=true");
        }
        t.agent().delete(p, recursive);
    }

    @PostMapping("/files/move")
    public void move(Caller caller, @PathVariable String sandboxId, @RequestParam String source,
            @RequestParam String destination) throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        t.agent().move(users.resolve(t, source), users.resolve(t, destination), true);
    }

    @PostMapping("/files/permissions")
    public void permissions(Caller caller, @PathVariable String sandboxId, @RequestParam String path,
            @RequestParam(required = false) String owner, @RequestParam(required = false) String group,
            @RequestParam(required = false) String mode) throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        String p = users.resolve(t, path);
        if (mode != null && !mode.isEmpty()) {
            t.agent().chmod(p, FileModes.parse(mode));
        }
        boolean hasOwner = owner != null && !owner.isEmpty();
        boolean hasGroup = group != null && !group.isEmpty();
        if (hasOwner || hasGroup) {
            t.agent().chown(p, hasOwner ? owner : null, hasGroup ? group : null);
        }
    }
}
