package dev.berth.server.ssh;

import dev.berth.server.audit.AuditContext;
import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.sandbox.SandboxDto;
import dev.berth.server.sandbox.SandboxMapper;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The SDK's {@code createSshAccess}, {@code revokeSshAccess} and {@code validateSshAccess} (docs/ssh.md). Giving
 * and taking SSH access changes what may be done to the sandbox, so both need {@code write:sandboxes}, like the
 * toolbox; validating is a read.
 */
@RestController
public class SshAccessController {

    private final SshAccessService access;
    private final SandboxMapper mapper;

    public SshAccessController(SshAccessService access, SandboxMapper mapper) {
        this.access = access;
        this.mapper = mapper;
    }

    @PostMapping("/api/sandbox/{idOrName}/ssh-access")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SshAccessDto create(Caller caller, @PathVariable String idOrName,
            @RequestParam(required = false) Integer expiresInMinutes) {
        SshAccessDto dto = access.create(caller, idOrName, expiresInMinutes);
        AuditContext.setTarget("sandbox", dto.sandboxId());
        return dto;
    }

    @DeleteMapping("/api/sandbox/{idOrName}/ssh-access")
    @RequiresPermission(Permission.WRITE_SANDBOXES)
    public SandboxDto revoke(Caller caller, @PathVariable String idOrName,
            @RequestParam(required = false) String token) {
        var s = access.revoke(caller, idOrName, token);
        AuditContext.setTarget("sandbox", s.getId());
        return mapper.toDto(s, true);
    }

    @GetMapping("/api/sandbox/ssh-access/validate")
    @Access(Access.Level.MEMBER)
    public SshAccessValidationDto validate(Caller caller, @RequestParam String token) {
        return access.validate(caller, token);
    }
}
