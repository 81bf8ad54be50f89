package dev.berth.server.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Preview URLs ({@code berth.preview.*}; docs/previews.md).
 *
 * @param enabled                false: no Host is routed to a sandbox and the preview-url endpoints answer 404
 * @param baseUrl                where preview hosts live: {@code https://preview.example.com} gives
 *                               {@code https://8080-<id>.preview.example.com}; empty = {@code http://localhost:<port>}
 *                               of the public URL, so {@code http://8080-<id>.localhost:3000} (browsers and curl
 *                               resolve every {@code *.localhost} to the loopback)
 * @param maxConnections         preview requests and WebSockets open at once on one replica, all sandboxes together
 *                               (each holds a request thread: keep it below the server's thread pool)
 * @param maxConnectionsPerSandbox preview requests and WebSockets open at once per sandbox on one replica
 * @param maxConnectionsPerOrg   preview requests and WebSockets open at once for one organization's sandboxes on one
 *                               replica (so one tenant cannot take every slot)
 * @param responseTimeout        how long the app may take to start its answer
 * @param idleTimeout            how long a response body or request body may go without a byte
 * @param webSocketIdleTimeout   how long an upgraded connection (WebSocket) may go without a byte either way
 * @param signedDefaultExpiry    a signed link's lifetime when the caller names none
 * @param signedMaxExpiry        the longest lifetime a signed link may be given
 */
@ConfigurationProperties("berth.preview")
public record PreviewProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("") String baseUrl,
        @DefaultValue("128") int maxConnections,
        @DefaultValue("32") int maxConnectionsPerSandbox,
        @DefaultValue("64") int maxConnectionsPerOrg,
        @DefaultValue("60s") Duration responseTimeout,
        @DefaultValue("5m") Duration idleTimeout,
        @DefaultValue("1h") Duration webSocketIdleTimeout,
        @DefaultValue("60s") Duration signedDefaultExpiry,
        @DefaultValue("24h") Duration signedMaxExpiry) {

    public PreviewProperties {
        if (maxConnections < 1 || maxConnections > 100_000) {
            throw new IllegalArgumentException("berth.preview.max-connections must be 1 to 100000, got "
                    + maxConnections);
        }
        if (maxConnectionsPerOrg < 1 || maxConnectionsPerOrg > 100_000) {
            throw new IllegalArgumentException("berth.preview.max-connections-per-org must be 1 to 100000, got "
                    + maxConnectionsPerOrg);
        }
        if (maxConnectionsPerSandbox < 1 || maxConnectionsPerSandbox > 10_000) {
            throw new IllegalArgumentException("berth.preview.max-connections-per-sandbox must be 1 to 10000, got "
                    + maxConnectionsPerSandbox);
        }
        for (var e : java.util.Map.of("response-timeout", responseTimeout, "idle-timeout", idleTimeout,
                "web-socket-idle-timeout", webSocketIdleTimeout, "signed-default-expiry", signedDefaultExpiry,
                "signed-max-expiry", signedMaxExpiry).entrySet()) {
            if (e.getValue().isNegative() || e.getValue().isZero()) {
                throw new IllegalArgumentException("berth.preview." + e.getKey() + " must be positive, got "
                        + e.getValue());
            }
        }
        if (signedDefaultExpiry.compareTo(signedMaxExpiry) > 0) {
            throw new IllegalArgumentException("berth.preview.signed-default-expiry (" + signedDefaultExpiry
                    + ") exceeds berth.preview.signed-max-expiry (" + signedMaxExpiry + ")");
        }
    }
}
