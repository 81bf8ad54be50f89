package dev.berth.server.event.stream;

import dev.berth.server.auth.AuthorizationInterceptor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Maps {@code /api/socket.io/} for WebSocket upgrades only, with its own handler mapping like the toolbox sockets
 * (no {@code @EnableWebSocket}). The path is public at the HTTP level: the token comes in the CONNECT packet.
 */
@Configuration
class SocketIoConfig {

    static final String PATH = "/api/socket.io/";

    @Bean
    WebSocketHandlerMapping socketIoMapping(SocketIoHandler handler,
            AuthorizationInterceptor authorization) {
        var h = new WebSocketHttpRequestHandler(handler, new DefaultHandshakeHandler());
        h.setHandshakeInterceptors(List.of(new SocketIoHandshake()));
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put(PATH, h);
        urls.put("/api/socket.io", h);
        WebSocketHandlerMapping mapping = new WebSocketHandlerMapping();
        mapping.setUrlMap(urls);
        mapping.setWebSocketUpgradeMatch(true);
        mapping.setOrder(-1);
        // the handshake is authorized by the handler's declaration, like every controller route
        mapping.setInterceptors(authorization);
        return mapping;
    }
}
