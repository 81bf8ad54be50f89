package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.runner.agent.ExecRequest;
import dev.berth.runner.agent.ExecResult;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.auth.Caller;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.limits.LongOperations;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import dev.berth.server.toolbox.ToolboxTargets;
import dev.berth.server.toolbox.process.ProcessDtos.CodeRunRequest;
import dev.berth.server.toolbox.process.ProcessDtos.CodeRunResponse;
import dev.berth.server.toolbox.process.ProcessDtos.ExecuteRequest;
import dev.berth.server.toolbox.process.ProcessDtos.ExecuteResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * One-shot commands: {@code process/execute} ({@code sh -c}, stdout and stderr combined in order) and
 * {@code process/code-run}. Both run as the sandbox user with an agent-enforced timeout that kills the whole
 * process group; a timeout is answered 408 {@code PROCESS_EXECUTION_TIMEOUT} (the SDK's
 * DaytonaProcessExecutionTimeoutError).
 */
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RestController
@RequestMapping("/api/toolbox/{sandboxId}/process")
class ExecuteController {

    private final ToolboxTargets targets;
    private final ProcessProperties props;
    private final SandboxEnv env;
    private final LongOperations longOps;

    ExecuteController(ToolboxTargets targets, ProcessProperties props, SandboxEnv env, LongOperations longOps) {
        this.targets = targets;
        this.props = props;
        this.env = env;
        this.longOps = longOps;
    }

    @PostMapping("/execute")
    ExecuteResponse execute(Caller caller, @PathVariable String sandboxId, @RequestBody ExecuteRequest body)
            throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        if (body == null || body.command() == null || body.command().isBlank()) {
            throw ToolboxException.badRequest("command is required");
        }
        Duration timeout = props.timeout(body.timeout());
        // "exec 2>&1" first: one pipe for both streams, so the result interleaves them as they were written
        List<String> argv = List.of("/bin/sh", "-c", "exec 2>&1\n" + body.command());
        try (var permit = longOps.begin(caller, SandboxAgent.DEFAULT_MAX_OUTPUT)) {
            ExecResult r = run(t, argv, body.cwd(), body.envs(), timeout);
            return new ExecuteResponse(r.exitCode(), r.stdoutText());
        }
    }

    @PostMapping("/code-run")
    CodeRunResponse codeRun(Caller caller, @PathVariable String sandboxId, @RequestBody CodeRunRequest body)
            throws AgentException {
        Target t = targets.resolve(caller, sandboxId);
        if (body == null || body.code() == null) {
            throw ToolboxException.badRequest("code is required");
        }
        CodeRunCommand cmd = CodeRunCommand.of(body.language(), body.code(), body.argv());
        String out;
        ExecResult r;
        try (var permit = longOps.begin(caller, SandboxAgent.DEFAULT_MAX_OUTPUT)) {
            r = run(t, cmd.argv(), null, body.envs(), props.timeout(body.timeout()));
            out = r.stdoutText();
        }
        if (cmd.interpreterMissing(r.exitCode(), out)) {
            throw ToolboxException.badRequest("this sandbox's image has no '" + cmd.interpreter() + "' on its PATH, "
                    + "so it cannot run " + body.language() + " code; use a snapshot that includes it");
        }
        return new CodeRunResponse(r.exitCode(), out, Map.of("charts", List.of()));
    }

    private ExecResult run(Target t, List<String> argv, String cwd, Map<String, String> envs, Duration timeout)
            throws AgentException {
        ExecRequest req;
        try {
            req = new ExecRequest(argv, cwd == null || cwd.isBlank() ? null : cwd, envs, false,
                    t.sandbox().getOsUser(), false, 0, 0, timeout);
            req = env.apply(t, req);
        } catch (IllegalArgumentException e) {
            throw ToolboxException.badRequest(e.getMessage() + " (cwd must be an absolute path)");
        }
        ExecResult r = t.agent().exec(req, timeout);
        if (r.timedOut()) {
            throw new ToolboxException(ToolboxError.PROCESS_EXECUTION_TIMEOUT, "command exceeded its timeout of "
                    + timeout.toSeconds() + "s and was killed with its process group");
        }
        return r;
    }
}
