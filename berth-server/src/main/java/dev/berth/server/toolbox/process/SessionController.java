package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.limits.LongOperations;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.ToolboxTargets.Target;
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

/** Daytona sessions: long-lived shells whose commands share cwd and environment (see {@link ShellSession}). */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}/process/session")
class SessionController {

    private final ToolboxTargets targets;
    private final ProcessSessions sessions;
    private final ProcessProperties props;
    private final SandboxEnv env;
    private final LongOperations longOps;

    SessionController(ToolboxTargets targets, ProcessSessions sessions, ProcessProperties props, SandboxEnv env,
            LongOperations longOps) {
        this.targets = targets;
        this.sessions = sessions;
        this.props = props;
        this.env = env;
        this.longOps = longOps;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    void create(Caller caller, @PathVariable String sandboxId, @RequestBody CreateSessionRequest body)
            throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        String id = body == null ? null : body.sessionId();
        sessions.of(t).createSession(id, t.agent(), env.apply(t, ShellSession.request(t.sandbox().getOsUser())));
    }

    @GetMapping
    List<SessionDto> list(Caller caller, @PathVariable String sandboxId) {
        Target t = targets.resolve(caller, sandboxId);
        return sessions.of(t).sessions().stream().map(SessionDto::of).toList();
    }

    @GetMapping("/{sessionId}")
    SessionDto get(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId) {
        return SessionDto.of(session(caller, sandboxId, sessionId));
    }

    @DeleteMapping("/{sessionId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId) {
        Target t = targets.resolve(caller, sandboxId);
        sessions.of(t).deleteSession(sessionId);
    }

    @PostMapping("/{sessionId}/exec")
    SessionExecuteResponse exec(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @RequestBody SessionExecuteRequest body) throws InterruptedException {
        if (body == null || body.command() == null || body.command().isBlank()) {
            throw ToolboxException.badRequest("command is required");
        }
        ShellSession s = session(caller, sandboxId, sessionId);
        if (body.isAsync()) {
            SessionCommand c = s.submit(body.command(), !Boolean.TRUE.equals(body.suppressInputEcho()));
            return new SessionExecuteResponse(c.id(), null, null, null, null);
        }
        // a synchronous exec waits up to syncSessionWait: it takes a long-operation slot (the output stays in the
        // session's bounded log, so it reserves no output budget)
        try (var permit = longOps.begin(caller)) {
            return awaitSync(s.submit(body.command(), !Boolean.TRUE.equals(body.suppressInputEcho())));
        }
    }

    private SessionExecuteResponse awaitSync(SessionCommand c) throws InterruptedException {
        Integer code = c.await(props.syncSessionWait());
        if (code == null) {
            throw new ToolboxException(408, "PROCESS_EXECUTION_TIMEOUT", "command " + c.id() + " is still running after "
                    + props.syncSessionWait().toSeconds() + "s; it keeps running, read its logs or run it with runAsync");
        }
        OutputLog.Text text = c.log().text();
        return new SessionExecuteResponse(c.id(), text.output(), text.stdout(), text.stderr(), code);
    }

    @GetMapping("/{sessionId}/command/{commandId}")
    CommandDto command(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @PathVariable String commandId) {
        return CommandDto.of(session(caller, sandboxId, sessionId).command(commandId));
    }

    @GetMapping("/{sessionId}/command/{commandId}/logs")
    LogsResponse logs(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @PathVariable String commandId) {
        OutputLog.Text text = session(caller, sandboxId, sessionId).command(commandId).log().text();
        return new LogsResponse(text.output(), text.stdout(), text.stderr());
    }

    @PostMapping("/{sessionId}/command/{commandId}/input")
    void input(Caller caller, @PathVariable String sandboxId, @PathVariable String sessionId,
            @PathVariable String commandId, @RequestBody InputRequest body) {
        if (body == null || body.data() == null) {
            throw ToolboxException.badRequest("data is required");
        }
        byte[] data = body.data().getBytes(StandardCharsets.UTF_8);
        if (data.length > props.maxInput().toBytes()) {
            throw ToolboxException.badRequest("input is larger than " + props.maxInput());
        }
        session(caller, sandboxId, sessionId).input(commandId, data);
    }

    private ShellSession session(Caller caller, String sandboxId, String sessionId) {
        Target t = targets.resolve(caller, sandboxId);
        return sessions.of(t).session(sessionId);
    }
}
