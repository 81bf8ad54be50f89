package dev.berth.server.event.stream;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of the client event stream (Socket.IO at /api/socket.io/ and SSE at /api/events/stream),
 * BERTH_EVENTS_STREAM_...
 *
 * @param pingInterval      Engine.IO: how often the server pings
 * @param pingTimeout       Engine.IO: how long the server waits for the pong before closing
 * @param connectTimeout    Socket.IO: how long an open connection may stay without a successful CONNECT (the
 *                          handshake deadline of an unauthenticated upgrade)
 * @param maxFrame          largest inbound WebSocket frame (also announced as Engine.IO maxPayload); the only
 *                          inbound frames of substance are CONNECT packets carrying a token
 * @param sendQueue         events queued per connection; a client that falls further behind is dropped
 * @param perOrganization   open stream connections (Socket.IO and SSE together) per organization
 * @param maxConnections    open authenticated stream connections in total (a Socket.IO connection takes one
 *                          when its CONNECT authenticates)
 * @param maxPending        open Socket.IO connections that have not authenticated yet, in total; they never
 *                          take an authenticated slot
 * @param pendingPerAddress the same per client address
 * @param sseTimeout        an SSE response ends after this long (clients reconnect)
 * @param sseHeartbeat      SSE comment line interval, so proxies keep the response open
 * @param writerThreads     threads writing to clients (each connection drains on one of them)
 * @param fanoutQueue       state changes waiting to be turned into events; beyond, events are dropped (logged)
 */
@Validated
@ConfigurationProperties("berth.events.stream")
public record EventStreamProperties(
        @DefaultValue("25s") Duration pingInterval,
        @DefaultValue("20s") Duration pingTimeout,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("64KB") DataSize maxFrame,
        @DefaultValue("256") @Min(1) @Max(100_000) int sendQueue,
        @DefaultValue("100") @Min(1) @Max(100_000) int perOrganization,
        @DefaultValue("5000") @Min(1) @Max(1_000_000) int maxConnections,
        @DefaultValue("1000") @Min(1) @Max(1_000_000) int maxPending,
        @DefaultValue("32") @Min(1) @Max(1_000_000) int pendingPerAddress,
        @DefaultValue("30m") Duration sseTimeout,
        @DefaultValue("15s") Duration sseHeartbeat,
        @DefaultValue("4") @Min(1) @Max(256) int writerThreads,
        @DefaultValue("10000") @Min(1) @Max(1_000_000) int fanoutQueue) {
}
