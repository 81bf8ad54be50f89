package dev.berth.server.toolbox.process;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * The toolbox WebSockets. A mapping of our own (instead of {@code @EnableWebSocket}) so that it only matches
 * upgrade requests and runs before the MVC controllers: {@code GET .../logs} without an upgrade stays JSON,
 * and {@code pty/create-connect} is not taken for {@code GET pty/{id}}.
 */
@Configuration
class ToolboxSocketConfig {

    static final String PTY_EXIT_CONTROL = "X-Daytona-Pty-Exit-Control";

    @Bean
    WebSocketHandlerMapping toolboxSocketMapping(ToolboxHandshake handshake, LogFollowHandler logs,
            PtySocketHandler pty, dev.berth.server.auth.AuthorizationInterceptor authorization) {
        Map<String, Object> urls = new LinkedHashMap<>();
        var logHandler = handler(logs, handshake, new LogsHandshakeHandler());
        var ptyHandler = handler(pty, handshake, new PtyHandshakeHandler());
        urls.put("/api/toolbox/*/process/session/entrypoint/logs", logHandler);
        urls.put("/api/toolbox/*/process/session/*/command/*/logs", logHandler);
        urls.put("/api/toolbox/*/process/pty/create-connect", ptyHandler);
        urls.put("/api/toolbox/*/process/pty/*/connect", ptyHandler);
        WebSocketHandlerMapping mapping = new WebSocketHandlerMapping();
        mapping.setUrlMap(urls);
        mapping.setWebSocketUpgradeMatch(true);
        mapping.setOrder(-1);
        // the handshake is authorized by the handler's declaration, like every controller route
        mapping.setInterceptors(authorization);
        return mapping;
    }

    private static WebSocketHttpRequestHandler handler(WebSocketHandler h, ToolboxHandshake handshake,
            DefaultHandshakeHandler handshakeHandler) {
        var r = new WebSocketHttpRequestHandler(h, handshakeHandler);
        r.setHandshakeInterceptors(List.of(handshake));
        return r;
    }

    /** Log follow: Node's client offers no subprotocol, and none may be answered. */
    static final class LogsHandshakeHandler extends DefaultHandshakeHandler {
        @Override
        protected String selectProtocol(List<String> requested, WebSocketHandler handler) {
            return null;
        }
    }

    /** PTY: the server must echo one offered subprotocol, or Node's {@code ws} aborts the handshake. */
    static final class PtyHandshakeHandler extends DefaultHandshakeHandler {
        @Override
        protected String selectProtocol(List<String> requested, WebSocketHandler handler) {
            if (requested.contains(PTY_EXIT_CONTROL)) {
                return PTY_EXIT_CONTROL;
            }
            return requested.isEmpty() ? null : requested.get(0);
        }
    }
}
