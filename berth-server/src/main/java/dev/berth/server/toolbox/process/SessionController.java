package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.limits.LongOperations;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.process.ProcessDtos.CommandDto;
import dev.berth.server.toolbox.process.ProcessDtos.CreateSessionRequest;
import dev.berth.server.toolbox.process.ProcessDtos.InputRequest;
import dev.berth.server.toolbox.process.ProcessDtos.LogsResponse;
import dev.berth.server.toolbox.process.ProcessDtos.SessionDto;
import dev.berth.server.toolbox.process.ProcessDtos.SessionExecuteRequest;
import dev.berth.server.toolbox.process.ProcessDtos.SessionExecuteResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Daytona sessions: long-lived shells whose commands share cwd and environment, kept in the sandbox ({@link AgentSessions}). */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}/process/session")
class SessionController {

    private final ToolboxTargets targets;
    private final AgentSessions sessions;
    private final ProcessProperties props;
    private final LongOperations longOps;

    SessionController(ToolboxTargets targets, AgentSessions sessions, ProcessProperties props,
            LongOperations longOps) {
        this.targets = targets;
        this.sessions = sessions;
        this.props = props;
        this.longOps = longOps;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    void create(Caller caller, @PathVariable String sandboxId, @RequestBody CreateSessionRequest body)
            throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        sessions.create(t, body == null ? null : body.sessionId());
    }

    @GetMapping
    List<SessionDto> list(Caller caller, @PathVariable String sandboxId) throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        return sessions.list(t).stream().map(SessionDto::of).toList();
    }

    @GetMapping("/{sessionId}")
    SessionDto get(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId)
            throws AgentException {
        return SessionDto.of(sessions.session(targets.resolve(caller, sandboxId), sessionId));
    }

    @DeleteMapping("/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId)
            throws AgentException {
        sessions.delete(targets.resolve(caller, sandboxId), sessionId);
    }

    @PostMapping("/{sessionId}/exec")
    SessionExecuteResponse exec(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @RequestBody SessionExecuteRequest body) throws InterruptedException, AgentException {
        if (body == null || body.command() == null || body.command().isBlank()) {
            throw ToolboxException.badRequest("command is required");
        }
        Target t = targets.resolve(caller, sandboxId);
        boolean echo = !Boolean.TRUE.equals(body.suppressInputEcho());
        if (body.isAsync()) {
            return new SessionExecuteResponse(sessions.submit(t, sessionId, body.command(), echo), null, null, null,
                    null);
        }
        // a synchronous exec waits up to syncSessionWait: it takes a long-operation slot (the output stays in the
        // sandbox, so it reserves no output budget)
        try (var permit = longOps.begin(caller)) {
            String id = sessions.submit(t, sessionId, body.command(), echo);
            Integer code = sessions.await(t, sessionId, id, props.syncSessionWait());
            if (code == null) {
                throw new ToolboxException(ToolboxError.PROCESS_EXECUTION_TIMEOUT, "command " + id
                        + " is still running after " + props.syncSessionWait().toSeconds()
                        + "s; it keeps running, read its logs or run it with runAsync");
            }
            AgentSessions.Text text = sessions.logs(t, sessionId, id);
            return new SessionExecuteResponse(id, text.output(), text.stdout(), text.stderr(), code);
        }
    }

    @GetMapping("/{sessionId}/command/{commandId}")
    CommandDto command(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @PathVariable String commandId) throws AgentException {
        return CommandDto.of(sessions.command(targets.resolve(caller, sandboxId), sessionId, commandId));
    }

    @GetMapping("/{sessionId}/command/{commandId}/logs")
    LogsResponse logs(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @PathVariable String commandId) throws AgentException {
        AgentSessions.Text text = sessions.logs(targets.resolve(caller, sandboxId), sessionId, commandId);
        return new LogsResponse(text.output(), text.stdout(), text.stderr());
    }

    @PostMapping("/{sessionId}/command/{commandId}/input")
    void input(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @PathVariable String commandId, @RequestBody InputRequest body) throws AgentException {
        if (body == null || body.data() == null) {
            throw ToolboxException.badRequest("data is required");
        }
        byte[] data = body.data().getBytes(StandardCharsets.UTF_8);
        if (data.length > props.maxInput().toBytes()) {
            throw ToolboxException.badRequest("input is larger than " + props.maxInput());
        }
        sessions.input(targets.resolve(caller, sandboxId), sessionId, commandId, data);
    }
}
