package dev.berth.server.event.stream;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Checks the Engine.IO query ({@code EIO=4}, {@code transport=websocket}) and keeps {@code organizationId}.
 * Refusals use Engine.IO's error bodies. No credentials here: they come in the Socket.IO CONNECT packet.
 */
class SocketIoHandshake implements HandshakeInterceptor {

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Map<String, Object> attributes) {
        var query = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams();
        if (!"websocket".equals(query.getFirst("transport"))) {
            return refuse(response, 0, "Transport unknown");
        }
        if (!"4".equals(query.getFirst("EIO"))) {
            return refuse(response, 5, "Unsupported protocol version");
        }
        String org = query.getFirst("organizationId");
        if (org != null && !org.isBlank() && org.length() <= 128) {
            attributes.put(SocketIoHandler.ORGANIZATION_HINT,
                    URLDecoder.decode(org, StandardCharsets.UTF_8));
        }
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
            Exception exception) {
    }

    private static boolean refuse(ServerHttpResponse response, int code, String message) {
        response.setStatusCode(HttpStatus.BAD_REQUEST);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        try {
            response.getBody().write(("{\"code\":" + code + ",\"message\":\"" + message + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the status is what matters; the body is a courtesy
        }
        return false;
    }
}
