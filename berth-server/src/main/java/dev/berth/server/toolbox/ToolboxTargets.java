package dev.berth.server.toolbox;

import dev.berth.core.error.NotFoundException;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.runner.agent.SandboxAgent;
import dev.berth.server.auth.Caller;
import dev.berth.server.runner.RunnerRegistry;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxService;
import org.springframework.stereotype.Component;

/**
 * Resolves the sandbox of a toolbox route for the caller: another organization's sandbox is a
 * 404 (as for the API), a sandbox that is not started is a 409, and the result is a client for
 * that sandbox's agent on its runner.
 */
@Component
public class ToolboxTargets {

    private final SandboxService sandboxes;
    private final RunnerRegistry runners;
    private final dev.berth.server.sandbox.ActivityTracker activity;
    private final dev.berth.server.sandbox.ResumeAction resume;

    public ToolboxTargets(SandboxService sandboxes, RunnerRegistry runners,
            dev.berth.server.sandbox.ActivityTracker activity, dev.berth.server.sandbox.ResumeAction resume) {
        this.sandboxes = sandboxes;
        this.runners = runners;
        this.activity = activity;
        this.resume = resume;
    }

    public record Target(Sandbox sandbox, SandboxAgent agent) {
    }

    public Target resolve(Caller caller, String sandboxId) {
        Sandbox s;
        try {
            s = sandboxes.get(caller, sandboxId);
        } catch (NotFoundException e) {
            throw new ToolboxException(ToolboxError.NOT_FOUND, "sandbox '" + sandboxId + "' not found");
        }
        if (caller.signedUrl() != null && !s.getId().equals(caller.signedUrl().sandboxId())) {
            // a signed link names its sandbox by id; a sandbox whose name is that id is not the one it was signed for
            throw new ToolboxException(ToolboxError.NOT_FOUND, "sandbox '" + sandboxId + "' not found");
        }
        Target t = reach(s);
        holdForRequest(t.sandbox().getId());
        return t;
    }

    /**
     * The agent of a sandbox already resolved for its caller (the SSH gateway resolves it from its token): a paused
     * sandbox is resumed, one that is not started is refused, its runner must be reachable. No activity is recorded.
     */
    public Target reach(Sandbox s) {
        if (s.getState() == SandboxState.PAUSED || s.getState() == SandboxState.PAUSING
                || s.getState() == SandboxState.RESUMING) {
            // any toolbox call resumes a paused sandbox: its processes go on where they were frozen
            s = resumed(s);
        }
        if (s.getState() != SandboxState.STARTED) {
            throw new ToolboxException(ToolboxError.CONFLICT, "sandbox " + s.getId() + " is '" + s.getState().wireName()
                    + "', not 'started'; start it before using the toolbox");
        }
        var runner = runners.byId(s.getRunnerId());
        try {
            runner.ensureReachable();
        } catch (dev.berth.core.error.UnavailableException e) {
            // said before any connection is tried: which runner, since when, what to do (not a tunnel error)
            throw new ToolboxException(ToolboxError.RUNNER_UNAVAILABLE, "sandbox " + s.getId() + ": "
                    + e.getMessage());
        }
        return new Target(s, runner.agent(s.getId()));
    }

    private Sandbox resumed(Sandbox s) {
        try {
            return resume.execute(s.getId());
        } catch (dev.berth.core.error.BerthException e) {
            throw new ToolboxException(ToolboxError.CONFLICT, "sandbox " + s.getId() + " is paused and could not be "
                    + "resumed: " + e.getMessage());
        }
    }

    /**
     * A toolbox call is activity, and its sandbox stays active while the call runs (an execute of a long command,
     * say): held until the request completes. Outside a request (a WebSocket handler), only a stamp.
     */
    private void holdForRequest(String sandboxId) {
        var attrs = org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (attrs == null) {
            activity.touch(sandboxId);
            return;
        }
        String key = ToolboxTargets.class.getName() + ".hold." + sandboxId;
        if (attrs.getAttribute(key, org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST) != null) {
            return;
        }
        var hold = activity.hold(sandboxId);
        attrs.setAttribute(key, hold, org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        attrs.registerDestructionCallback(key, hold::close,
                org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
    }
}
