package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.process.ProcessDtos.PtyList;
import dev.berth.server.toolbox.process.ProcessDtos.ResizeRequest;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * PTY sessions over REST (list, info, resize, kill), answered from the sandbox's records ({@link AgentPtys}) by any
 * replica; terminals themselves are WebSockets ({@link PtySocketHandler}).
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}/process/pty")
class PtyController {

    private final ToolboxTargets targets;
    private final AgentPtys terminals;

    PtyController(ToolboxTargets targets, AgentPtys terminals) {
        this.targets = targets;
        this.terminals = terminals;
    }

    @GetMapping
    PtyList list(Caller caller, @PathVariable String sandboxId) throws AgentException {
        return new PtyList(terminals.list(targets.resolve(caller, sandboxId)));
    }

    @GetMapping("/{ptyId}")
    PtyInfo get(Caller caller, @PathVariable String sandboxId, @PathVariable String ptyId) throws AgentException {
        return terminals.info(targets.resolve(caller, sandboxId), ptyId);
    }

    @PostMapping("/{ptyId}/resize")
    PtyInfo resize(Caller caller, @PathVariable String sandboxId, @PathVariable String ptyId,
            @RequestBody ResizeRequest body) throws AgentException {
        if (body == null || body.cols() == null || body.rows() == null) {
            throw ToolboxException.badRequest("cols and rows are required");
        }
        return terminals.resize(targets.resolve(caller, sandboxId), ptyId, body.cols(), body.rows());
    }

    @DeleteMapping("/{ptyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable String sandboxId, @PathVariable String ptyId) throws AgentException {
        terminals.kill(targets.resolve(caller, sandboxId), ptyId);
    }
}
