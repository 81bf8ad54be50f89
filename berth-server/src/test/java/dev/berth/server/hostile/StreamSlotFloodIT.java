package dev.berth.server.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthIT;
import dev.berth.server.event.stream.SocketIoTestClient;
import dev.berth.server.org.Tenants;
import dev.berth.server.org.Tenants.Tenant;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 9 finding 6: unauthenticated Socket.IO upgrades (no key; also possible from inside a sandbox) used to
 * take the same slots as authenticated streams, so a flood kept tenants' streams out. The flood comes from
 * 127.0.0.2 (raw upgrades bound to that loopback address), the tenants from 127.0.0.1. Low test caps: 20
 * authenticated streams, 10 pending upgrades per address; on the old code the flood took all 20 slots.
 */
@TestPropertySource(properties = {"berth.events.stream.max-connections=20",
        "berth.events.stream.pending-per-address=10", "berth.events.stream.max-pending=50",
        "berth.events.stream.ping-interval=1s", "berth.events.stream.ping-timeout=2s"})
class StreamSlotFloodIT extends BerthIT {

    @Autowired
    Tenants tenants;

    /** A raw WebSocket upgrade to /api/socket.io/ from {@code from}, with no credentials; the 101 is read. */
    private Socket upgrade(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /api/socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] status = in.readNBytes(12);
        assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");
        return s;
    }

    @Test
    void aFloodOfUnauthenticatedUpgradesNeitherClosesNorKeepsOutAuthenticatedStreams() throws Exception {
        Tenant a = tenants.owner();
        Tenant b = tenants.owner();
        List<Socket> flood = new ArrayList<>();
        try (var streamA = SocketIoTestClient.open(port, a.orgId())) {
            assertThat(streamA.connect(a.key())).startsWith("40");
            for (int i = 0; i < 60; i++) {
                flood.add(upgrade("127.0.0.2"));
            }
            // another tenant's new stream still gets a slot while the flood's upgrades are open
            try (var streamB = SocketIoTestClient.open(port, b.orgId())) {
                String reply = streamB.connect(b.key());
                System.out.printf("after 60 unauthenticated upgrades from 127.0.0.2: tenant B's CONNECT -> %s%n",
                        reply);
                assertThat(reply).startsWith("40");
                int pings = (int) streamA.frames.stream().filter("2"::equals).count();
                streamA.await("2"::equals, streamA.frames.size(), Duration.ofSeconds(5));
                assertThat(streamA.frames.stream().filter("2"::equals).count()).isGreaterThan(pings);
                assertThat(streamA.closed).as("tenant A's stream stays open").isNotDone();
                assertThat(streamB.closed).as("tenant B's stream stays open").isNotDone();
            }
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }
}
