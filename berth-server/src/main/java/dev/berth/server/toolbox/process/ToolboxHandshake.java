package dev.berth.server.toolbox.process;

import dev.berth.runner.agent.AgentException;
import dev.berth.server.auth.Caller;
import dev.berth.server.toolbox.AgentErrors;
import dev.berth.server.toolbox.ToolboxError;
import dev.berth.server.toolbox.ToolboxException;
import dev.berth.server.toolbox.ToolboxProblemHandler;
import dev.berth.server.toolbox.ToolboxTargets.Target;
import dev.berth.server.toolbox.ToolboxTargets;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authorizes and resolves a toolbox WebSocket before the upgrade: the caller (set by the authentication filter),
 * the sandbox (404 for another organization's), and the session command or PTY named by the path. Failures are
 * answered as plain HTTP in the daemon's error shape, so the SDK sees a status instead of a dropped socket.
 */
@Component
class ToolboxHandshake implements HandshakeInterceptor {

    static final String PTY_ENVS_PROTOCOL = "X-Daytona-Pty-Envs~";

    private final ToolboxTargets targets;
    private final ProcessSessions ptys;
    private final AgentSessions sessions;
    private final AgentPtys terminals;
    private final JsonMapper json;

    ToolboxHandshake(ToolboxTargets targets, ProcessSessions ptys, AgentSessions sessions, AgentPtys terminals,
            JsonMapper json) {
        this.targets = targets;
        this.ptys = ptys;
        this.sessions = sessions;
        this.terminals = terminals;
        this.json = json;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) throws IOException {
        HttpServletRequest servlet = ((ServletServerHttpRequest) request).getServletRequest();
        try {
            attributes.put(SocketTarget.ATTRIBUTE, resolve(servlet, request.getHeaders().get("Sec-WebSocket-Protocol")));
            return true;
        } catch (ToolboxException e) {
            var problem = ToolboxProblemHandler.respond(e, servlet);
            response.setStatusCode(problem.getStatusCode());
            response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            response.getBody().write(json.writeValueAsBytes(problem.getBody()));
            return false;
        }
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
    }

    private SocketTarget resolve(HttpServletRequest req, List<String> protocols) {
        Caller caller = (Caller) req.getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (caller == null) {
            throw new ToolboxException(ToolboxError.UNAUTHORIZED, "missing or invalid API key");
        }
        // /api/toolbox/{sandboxId}/process/{session|pty}/...
        String[] p = req.getRequestURI().split("/");
        if (p.length < 7) {
            throw new ToolboxException(ToolboxError.NOT_FOUND, "no WebSocket at " + req.getRequestURI());
        }
        Target target = targets.resolve(caller, p[3]);
        SandboxProcesses sandbox = ptys.of(target);
        if ("session".equals(p[5])) {
            if (EntrypointController.ID.equals(p[6]) && p.length == 8) {
                return new SocketTarget.EntrypointLogs(target);
            }
            if (p.length < 9) {
                throw new ToolboxException(ToolboxError.NOT_FOUND, "no WebSocket at " + req.getRequestURI());
            }
            try {
                sessions.command(target, p[6], p[8]); // 404 before the upgrade
            } catch (AgentException e) {
                throw AgentErrors.translate(e);
            }
            return new SocketTarget.CommandLogs(target, p[6], p[8]);
        }
        if ("create-connect".equals(p[6])) {
            String id = SandboxProcesses.checkId("PTY", req.getParameter("id"));
            try {
                terminals.checkCanCreate(target, id);
            } catch (AgentException e) {
                throw AgentErrors.translate(e);
            }
            String cwd = req.getParameter("cwd");
            if (cwd != null && !cwd.isBlank() && !cwd.startsWith("/")) {
                throw ToolboxException.badRequest("cwd must be an absolute path");
            }
            return new SocketTarget.CreatePty(target, sandbox, id, size(req, "cols", 80), size(req, "rows", 24),
                    cwd == null || cwd.isBlank() ? null : cwd, envs(protocols));
        }
        try {
            return new SocketTarget.AttachPty(target, sandbox, terminals.get(target, p[6]));
        } catch (AgentException e) {
            throw AgentErrors.translate(e);
        }
    }

    private static int size(HttpServletRequest req, String name, int dflt) {
        String v = req.getParameter(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw ToolboxException.badRequest(name + " must be a number between 1 and 1000");
    }

    /** Envs from the {@code X-Daytona-Pty-Envs~<base64url JSON>} subprotocol, if offered. */
    Map<String, String> envs(List<String> headers) {
        if (headers == null) {
            return Map.of();
        }
        for (String header : headers) {
            for (String proto : header.split(",")) {
                String t = proto.trim();
                if (t.startsWith(PTY_ENVS_PROTOCOL)) {
                    return decodeEnvs(t.substring(PTY_ENVS_PROTOCOL.length()));
                }
            }
        }
        return Map.of();
    }

    private Map<String, String> decodeEnvs(String b64) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(b64);
            Map<String, String> m = json.readValue(new String(raw, StandardCharsets.UTF_8), new TypeReference<>() {
            });
            for (String k : m.keySet()) {
                if (k.isEmpty() || k.contains("=") || k.indexOf('\0') >= 0 || m.get(k) == null) {
                    throw ToolboxException.badRequest("bad PTY environment variable '" + k + "'");
                }
            }
            return new LinkedHashMap<>(m);
        } catch (IllegalArgumentException | JacksonException e) {
            throw ToolboxException.badRequest("the X-Daytona-Pty-Envs subprotocol is not base64url JSON of a string map");
        }
    }
}
