package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.LogChunk;
import dev.berth.runner.agent.LogStream;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.process.ProcessDtos.CommandDto;
import dev.berth.server.toolbox.process.ProcessDtos.LogsResponse;
import dev.berth.server.toolbox.process.ProcessDtos.SessionDto;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The "entrypoint" session: the image's entrypoint, run by the agent, whose output the agent keeps in a ring
 * buffer. (WebSocket follow: {@link LogFollowHandler}.)
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}/process/session/entrypoint")
class EntrypointController {

    static final String ID = "entrypoint";

    private final ToolboxTargets targets;

    EntrypointController(ToolboxTargets targets) {
        this.targets = targets;
    }

    @GetMapping
    SessionDto session(Caller caller, @PathVariable String sandboxId) {
        targets.resolve(caller, sandboxId);
        return new SessionDto(ID, List.of(new CommandDto(ID, "", null)));
    }

    @GetMapping("/logs")
    LogsResponse logs(Caller caller, @PathVariable String sandboxId) throws AgentException {
        List<LogChunk> chunks = targets.resolve(caller, sandboxId).agent().entrypointLogs();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        for (LogChunk c : chunks) {
            all.writeBytes(c.data());
            (c.stream() == LogStream.STDOUT ? out : err).writeBytes(c.data());
        }
        return new LogsResponse(all.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }
}
