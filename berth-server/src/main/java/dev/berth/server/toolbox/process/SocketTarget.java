package dev.berth.server.toolbox.process;

import dev.berth.server.toolbox.ToolboxTargets.Target;
import java.util.Map;

/**
 * What a toolbox WebSocket is about, resolved (and authorized) during the handshake and handed to the handler
 * through the session attributes.
 */
sealed interface SocketTarget {

    String ATTRIBUTE = SocketTarget.class.getName();

    /** The sandbox and its agent. */
    Target target();

    /** Follow a session command's logs. */
    record CommandLogs(Target target, String sessionId, String commandId) implements SocketTarget {
    }

    /** Follow the entrypoint's logs. */
    record EntrypointLogs(Target target) implements SocketTarget {
    }

    /** Create a PTY and attach to it. */
    record CreatePty(Target target, SandboxProcesses sandbox, String id, int cols, int rows, String cwd,
                     Map<String, String> envs) implements SocketTarget {
    }

    /** Attach to an existing PTY (recorded in the sandbox). */
    record AttachPty(Target target, SandboxProcesses sandbox, AgentPtys.Meta pty) implements SocketTarget {
    }
}
