package dev.berth.server.event.stream;

import dev.berth.server.auth.Authenticator;
import dev.berth.server.auth.Caller;
import dev.berth.server.event.stream.SocketIoFrames.MalformedFrame;
import dev.berth.server.event.stream.SocketIoFrames.Packet;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.JsonNode;

/**
 * One Engine.IO connection and its Socket.IO socket on the default namespace. The upgrade is unauthenticated; the
 * CONNECT packet's {@code auth.token} is checked like a bearer credential (the {@code organizationId} query
 * parameter standing in for X-Daytona-Organization-ID), and only then does the connection join its
 * organization's stream.
 */
final class SocketIoConnection implements StreamSubscriber {

    private static final Logger log = LoggerFactory.getLogger(SocketIoConnection.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_FAILED_CONNECTS = 3;

    private final WebSocketSession ws;
    private final EventStreamProperties props;
    private final Authenticator authenticator;
    private final StreamRegistry registry;
    private final Executor writers;
    private final String organizationHint;
    private final String engineSid = newId();
    private final SendQueue<String> out;
    private final Heartbeat heartbeat;
    private volatile String organizationId;
    private volatile Instant unconnectedSince;
    private int failedConnects;
    /** The client address while this connection holds a pending (unauthenticated) slot, else null. */
    private String pendingAddress;
    /** Whether this connection holds an authenticated slot (taken by its first successful CONNECT). */
    private boolean slot;

    SocketIoConnection(WebSocketSession ws, EventStreamProperties props, Authenticator authenticator,
            StreamRegistry registry, Executor writers, String organizationHint, String address, Instant now) {
        this.pendingAddress = address;
        this.ws = ws;
        this.props = props;
        this.authenticator = authenticator;
        this.registry = registry;
        this.writers = writers;
        this.organizationHint = organizationHint;
        this.out = new SendQueue<>(props.sendQueue() + 8, writers, f -> ws.sendMessage(new TextMessage(f)),
                reason -> closeNow(CloseStatus.SESSION_NOT_RELIABLE.withReason(shorten(reason))));
        this.heartbeat = new Heartbeat(now, props.pingInterval(), props.pingTimeout());
        this.unconnectedSince = now;
    }

    void open() {
        out.offer(SocketIoFrames.open(engineSid, props.pingInterval(), props.pingTimeout(),
                props.maxFrame().toBytes()));
    }

    @Override
    public String organizationId() {
        return organizationId;
    }

    /** One inbound text frame, on the container's thread for this session (never concurrently). */
    void onFrame(String frame, Instant now) {
        try {
            if (frame.isEmpty()) {
                throw new MalformedFrame("empty frame");
            }
            String body = frame.substring(1);
            switch (frame.charAt(0)) {
                case SocketIoFrames.PONG -> heartbeat.pong(now);
                case SocketIoFrames.PING -> out.offer(SocketIoFrames.PONG + body); // e.g. a "2probe" probe
                case SocketIoFrames.MESSAGE -> onPacket(SocketIoFrames.parse(body), now);
                case SocketIoFrames.CLOSE -> closeNow(CloseStatus.NORMAL);
                case SocketIoFrames.NOOP, SocketIoFrames.UPGRADE -> {
                }
                default -> throw new MalformedFrame("unexpected Engine.IO packet type");
            }
        } catch (MalformedFrame e) {
            closeNow(CloseStatus.PROTOCOL_ERROR.withReason(e.getMessage()));
        }
    }

    private void onPacket(Packet p, Instant now) {
        boolean root = SocketIoFrames.DEFAULT_NAMESPACE.equals(p.namespace());
        switch (p.type()) {
            case CONNECT -> {
                if (!root) {
                    out.offer(SocketIoFrames.connectError(p.namespace(), "Invalid namespace"));
                } else if (organizationId == null) {
                    connect(p.data());
                }
            }
            case DISCONNECT -> {
                if (root && organizationId != null) {
                    disconnect(now);
                    // and the socket with it: a connection that left its stream must not stay open outside every
                    // budget (cycling CONNECT/DISCONNECT would otherwise keep unlimited sockets); clients reconnect
                    closeNow(CloseStatus.NORMAL);
                }
            }
            default -> {
                // events and acks from clients: nothing of ours listens to them
            }
        }
    }

    private void connect(JsonNode auth) {
        if (failedConnects >= MAX_FAILED_CONNECTS) {
            closeNow(CloseStatus.POLICY_VIOLATION.withReason("too many failed connects"));
            return;
        }
        JsonNode token = auth == null ? null : auth.get("token");
        Optional<Caller> caller = token != null && token.isString()
                ? authenticator.authenticate(bare(token.asString()), organizationHint) : Optional.empty();
        String refusal;
        if (caller.isEmpty()) {
            refusal = "invalid credentials: send auth {token: <API key or JWT>}";
        } else if (caller.get().organizationId() == null) {
            refusal = "no organization: pass the organizationId query parameter";
        } else {
            refusal = join(caller.get().organizationId());
            if (refusal == null) {
                return;
            }
        }
        failedConnects++;
        out.offer(SocketIoFrames.connectError(SocketIoFrames.DEFAULT_NAMESPACE, refusal));
    }

    /** Joins and answers CONNECT under the lock {@link #deliver} takes, so no event overtakes the reply. */
    private synchronized String join(String org) {
        if (!slot && !registry.reserveConnection()) {
            return "too many event stream connections; try again later";
        }
        slot = true;
        organizationId = org;
        String refusal = registry.join(this).orElse(null);
        if (refusal != null) {
            organizationId = null;
            registry.releaseConnection();
            slot = false;
            return refusal;
        }
        if (pendingAddress != null) { // authenticated: its pending slot goes back to the unauthenticated budget
            registry.releasePending(pendingAddress);
            pendingAddress = null;
        }
        unconnectedSince = null;
        out.offer(SocketIoFrames.connected(newId()));
        return null;
    }

    /** A Socket.IO DISCONNECT: leaves the organization's stream and gives the authenticated slot back. */
    private synchronized void disconnect(Instant now) {
        registry.leave(this);
        organizationId = null;
        unconnectedSince = now;
        if (slot) {
            registry.releaseConnection();
            slot = false;
        }
    }

    @Override
    public synchronized void deliver(StreamEvent event) {
        if (event.organizationId().equals(organizationId)) {
            out.offer(SocketIoFrames.event(event.name(), event.json()));
        }
    }

    @Override
    public void tick(Instant now) {
        switch (heartbeat.tick(now)) {
            case PING -> out.offer(String.valueOf(SocketIoFrames.PING));
            case CLOSE -> closeLater(CloseStatus.POLICY_VIOLATION.withReason("ping timeout"));
            case NONE -> {
            }
        }
        Instant since = unconnectedSince;
        if (since != null && now.isAfter(since.plus(props.connectTimeout()))) {
            closeLater(CloseStatus.POLICY_VIOLATION.withReason("no Socket.IO connect in time"));
        }
    }

    @Override
    public void close(String reason) {
        closeLater(CloseStatus.GOING_AWAY.withReason(reason));
    }

    /** The session has closed, for whatever reason: stop writing and leave the organization's stream. */
    synchronized void closed() {
        out.close();
        if (organizationId != null) {
            registry.leave(this);
        }
        if (pendingAddress != null) {
            registry.releasePending(pendingAddress);
            pendingAddress = null;
        }
        if (slot) {
            registry.releaseConnection();
            slot = false;
        }
    }

    /** Closes from a thread that must not block (ticker, fan-out): a close frame to a stalled client can. */
    private void closeLater(CloseStatus status) {
        if (out.isClosed()) {
            return;
        }
        out.close();
        try {
            writers.execute(() -> closeNow(status));
        } catch (RejectedExecutionException e) {
            closeNow(status);
        }
    }

    private void closeNow(CloseStatus status) {
        out.close();
        try {
            ws.close(status);
        } catch (Exception e) {
            log.debug("closing event stream socket {}: {}", engineSid, e.toString());
        }
    }

    private static String bare(String token) {
        return token.regionMatches(true, 0, "Bearer ", 0, 7) ? token.substring(7).trim() : token;
    }

    private static String shorten(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason; // close reasons are capped at 123 bytes
    }

    private static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
