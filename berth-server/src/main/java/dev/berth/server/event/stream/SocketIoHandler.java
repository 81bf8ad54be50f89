package dev.berth.server.event.stream;

import dev.berth.server.auth.Access;
import dev.berth.server.auth.Authenticator;
import java.time.Clock;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /api/socket.io/}: Engine.IO v4 (websocket transport only) carrying Socket.IO v5 on namespace {@code /}.
 * Binary frames (Socket.IO attachments) are refused by the base class with a close.
 */
// public at the HTTP level: the token comes in the Socket.IO CONNECT packet
@Access(Access.Level.PUBLIC)
@Component
class SocketIoHandler extends TextWebSocketHandler {

    static final String ORGANIZATION_HINT = SocketIoHandler.class.getName() + ".organizationId";
    private static final String CONNECTION = SocketIoHandler.class.getName() + ".connection";
    private static final int MAX_BINARY_FRAME = 1024;

    private final EventStreamProperties props;
    private final Authenticator authenticator;
    private final StreamRegistry registry;
    private final StreamTicker ticker;
    private final StreamWriters writers;
    private final Clock clock;

    SocketIoHandler(EventStreamProperties props, Authenticator authenticator, StreamRegistry registry,
            StreamTicker ticker, StreamWriters writers, Clock clock) {
        this.props = props;
        this.authenticator = authenticator;
        this.registry = registry;
        this.ticker = ticker;
        this.writers = writers;
        this.clock = clock;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession ws) throws Exception {
        String address = ws.getRemoteAddress() == null ? "unknown"
                : ws.getRemoteAddress().getAddress().getHostAddress();
        String refused = registry.admitPending(address).orElse(null);
        if (refused != null) {
            ws.close(CloseStatus.SERVICE_OVERLOAD.withReason(refused));
            return;
        }
        // larger frames are refused by the container (close 1009) before they are buffered
        ws.setTextMessageSizeLimit((int) props.maxFrame().toBytes());
        ws.setBinaryMessageSizeLimit(MAX_BINARY_FRAME);
        var c = new SocketIoConnection(ws, props, authenticator, registry, writers,
                (String) ws.getAttributes().get(ORGANIZATION_HINT), address, clock.instant());
        ws.getAttributes().put(CONNECTION, c);
        c.open();
        ticker.register(c);
    }

    @Override
    protected void handleTextMessage(WebSocketSession ws, TextMessage message) {
        if (ws.getAttributes().get(CONNECTION) instanceof SocketIoConnection c) {
            c.onFrame(message.getPayload(), clock.instant());
        }
    }

    @Override
    public void handleTransportError(WebSocketSession ws, Throwable exception) throws Exception {
        if (ws.isOpen()) {
            ws.close(CloseStatus.SERVER_ERROR);
        }
    }

    @Override
    public void afterConnectionClosed(WebSocketSession ws, CloseStatus status) {
        if (ws.getAttributes().remove(CONNECTION) instanceof SocketIoConnection c) {
            ticker.unregister(c);
            c.closed();
        }
    }
}
