package dev.berth.server.sandbox;

import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code sandbox.archive()}: answers once the sandbox is archived (the SDK ignores the answer and reads the sandbox
 * again). Its restore is a start ({@link StartAction}). Audited as {@code sandbox.archive}.
 */
@RestController
@RequestMapping("/api/sandbox")
public class SandboxArchiveController {

    private final ArchiveAction archive;
    private final SandboxService sandboxes;
    private final SandboxMapper mapper;

    public SandboxArchiveController(ArchiveAction archive, SandboxService sandboxes, SandboxMapper mapper) {
        this.archive = archive;
        this.sandboxes = sandboxes;
        this.mapper = mapper;
    }

    @PostMapping("/{idOrName}/archive")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto archive(Caller caller, @PathVariable String idOrName) {
        return mapper.toDto(archive.execute(sandboxes.get(caller, idOrName).getId()), true);
    }
}
