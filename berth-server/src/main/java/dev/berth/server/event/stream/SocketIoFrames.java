package dev.berth.server.event.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The text frames of Engine.IO v4 over a WebSocket (one packet per frame: a type digit, then the body) and the
 * Socket.IO v5 packets carried in its {@code message} packets: {@code <type>[<attachments>-][<nsp>,][<ack id>][json]}.
 * Binary attachments are not supported.
 */
final class SocketIoFrames {

    /** Engine.IO packet types. */
    static final char OPEN = '0';
    static final char CLOSE = '1';
    static final char PING = '2';
    static final char PONG = '3';
    static final char MESSAGE = '4';
    static final char UPGRADE = '5';
    static final char NOOP = '6';

    static final String DEFAULT_NAMESPACE = "/";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Socket.IO packet types, by their digit. */
    enum Type {
        CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK
    }

    /** A parsed Socket.IO packet; {@code data} is null when the packet has none. */
    record Packet(Type type, String namespace, Long ackId, JsonNode data) {
    }

    /** The frame cannot be a packet of the protocol; the connection is closed. */
    static final class MalformedFrame extends Exception {
        MalformedFrame(String message) {
            super(message);
        }
    }

    private SocketIoFrames() {
    }

    static String open(String sid, Duration pingInterval, Duration pingTimeout, long maxPayload) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sid", sid);
        m.put("upgrades", List.of());
        m.put("pingInterval", pingInterval.toMillis());
        m.put("pingTimeout", pingTimeout.toMillis());
        m.put("maxPayload", maxPayload);
        return OPEN + JSON.writeValueAsString(m);
    }

    static String connected(String socketId) {
        return "" + MESSAGE + '0' + JSON.writeValueAsString(Map.of("sid", socketId));
    }

    static String connectError(String namespace, String message) {
        return "" + MESSAGE + '4' + prefix(namespace) + JSON.writeValueAsString(Map.of("message", message));
    }

    /** {@code 42["name",<json>]}; {@code json} is already serialized. */
    static String event(String name, String json) {
        return "" + MESSAGE + '2' + '[' + JSON.writeValueAsString(name) + ',' + json + ']';
    }

    private static String prefix(String namespace) {
        return DEFAULT_NAMESPACE.equals(namespace) ? "" : namespace + ",";
    }

    /** Parses the body of an Engine.IO message packet (the text after the leading {@code 4}). */
    static Packet parse(String body) throws MalformedFrame {
        if (body.isEmpty() || body.charAt(0) < '0' || body.charAt(0) > '6') {
            throw new MalformedFrame("unknown Socket.IO packet type");
        }
        Type type = Type.values()[body.charAt(0) - '0'];
        int i = 1;
        if (type == Type.BINARY_EVENT || type == Type.BINARY_ACK) {
            throw new MalformedFrame("binary Socket.IO packets are not supported");
        }
        String namespace = DEFAULT_NAMESPACE;
        if (i < body.length() && body.charAt(i) == '/') {
            int comma = body.indexOf(',', i);
            int end = comma < 0 ? body.length() : comma;
            namespace = body.substring(i, end);
            i = comma < 0 ? end : end + 1;
        }
        int digits = i;
        while (i < body.length() && Character.isDigit(body.charAt(i)) && i - digits < 18) {
            i++;
        }
        Long ackId = i > digits ? Long.parseLong(body.substring(digits, i)) : null;
        JsonNode data = null;
        if (i < body.length()) {
            try {
                data = JSON.readTree(body.substring(i));
            } catch (JacksonException e) {
                throw new MalformedFrame("Socket.IO packet data is not JSON");
            }
        }
        check(type, data);
        return new Packet(type, namespace, ackId, data);
    }

    private static void check(Type type, JsonNode data) throws MalformedFrame {
        boolean ok = switch (type) {
            case CONNECT -> data == null || data.isObject();
            case DISCONNECT -> data == null;
            case EVENT -> data != null && data.isArray() && !data.isEmpty()
                    && (data.get(0).isString() || data.get(0).isNumber());
            case ACK -> data != null && data.isArray();
            case CONNECT_ERROR, BINARY_EVENT, BINARY_ACK -> false; // never sent by a client
        };
        if (!ok) {
            throw new MalformedFrame("invalid " + type + " packet");
        }
    }
}
