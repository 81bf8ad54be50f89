package dev.berth.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fake "agent" (the sandbox may replace the real one) must not make the client misbehave or allocate unboundedly. */
class HostilePeerTest {
    @TempDir
    Path tmp;

    private ServerSocketChannel server;
    private Thread thread;

    interface Script {
        void run(SocketChannel ch) throws Exception;
    }

    private Path serve(Script script) throws IOException {
        Path sock = tmp.resolve("fake.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        thread = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                script.run(ch);
            } catch (Exception ignored) {
                // client went away
            }
        }, "fake-agent");
        thread.setDaemon(true);
        thread.start();
        return sock;
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        thread.interrupt();
    }

    private static void frame(SocketChannel ch, int type, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
        b.putInt(payload.length + 1).put((byte) type).put(payload).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void readFrame(SocketChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(5);
        while (h.hasRemaining()) {
            if (ch.read(h) < 0) {
                throw new IOException("eof");
            }
        }
        ByteBuffer p = ByteBuffer.allocate(h.getInt(0) - 1);
        while (p.hasRemaining()) {
            if (ch.read(p) < 0) {
                throw new IOException("eof");
            }
        }
    }

    private static AgentTransport transport(Path sock) {
        return new UnixAgentTransport(sock, "fake-token", "fake-sandbox");
    }

    /** AUTH (accepted) then HELLO, as a real agent answers them. */
    private static void hello(SocketChannel ch) throws IOException {
        readFrame(ch);
        frame(ch, Wire.R_AUTH_OK, new byte[0]);
        readFrame(ch);
        frame(ch, Wire.R_HELLO, new Wire.Out().u16(1).str("fake").toBytes());
    }

    @Test
    void twoGigabyteLengthPrefixIsRejected() throws Exception {
        Path sock = serve(ch -> {
            readFrame(ch);
            ByteBuffer b = ByteBuffer.allocate(5).putInt(0x80000000).put((byte) Wire.R_HELLO).flip();
            ch.write(b);
            Thread.currentThread().join(); // hold the connection open until the test ends
        });
        assertThatThrownBy(() -> new AgentClient(transport(sock), Duration.ofSeconds(5)).ping())
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.PROTOCOL_ERROR));
    }

    @Test
    void hugeOutputIsCappedAndFlaggedTruncated() throws Exception {
        byte[] chunk = new byte[Wire.FRAME_MAX - 1];
        Path sock = serve(ch -> {
            hello(ch);
            readFrame(ch); // SPAWN
            frame(ch, Wire.R_SPAWNED, new Wire.Out().u32(77).toBytes());
            for (int i = 0; i < 64; i++) { // 64 MiB of stdout
                frame(ch, Wire.R_STDOUT, chunk);
            }
            frame(ch, Wire.R_EXIT, new Wire.Out().u32(0).u32(0).u8(0).toBytes());
        });
        AgentClient c = new AgentClient(transport(sock), Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 20, 1000);
        ExecResult r = c.exec(ExecRequest.of("x"), Duration.ofSeconds(30));
        assertThat(r.stdout()).hasSize(1 << 20);
        assertThat(r.stdoutTruncated()).isTrue();
        assertThat(r.pid()).isEqualTo(77);
    }

    @Test
    void endlessOutputEndsWithTimeout() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        Path sock = serve(ch -> {
            hello(ch);
            readFrame(ch);
            frame(ch, Wire.R_SPAWNED, new Wire.Out().u32(1).toBytes());
            while (true) {
                frame(ch, Wire.R_STDOUT, chunk);
            }
        });
        AgentClient c = new AgentClient(transport(sock), Duration.ofSeconds(5), Duration.ofSeconds(5), 1 << 20, 1000);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> c.exec(ExecRequest.of("x"), Duration.ofMillis(100)))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(AgentClient.EXEC_GRACE.plusSeconds(5));
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        Path sock = serve(ch -> Thread.currentThread().join());
        assertThatThrownBy(() -> new AgentClient(transport(sock), Duration.ofMillis(300)).ping())
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isEqualTo(AgentErrorCode.TIMEOUT));
    }

    @Test
    void bogusListCountAndStringLengthsAreRejected() throws Exception {
        Path sock = serve(ch -> {
            hello(ch);
            readFrame(ch);
            frame(ch, Wire.R_ENTRIES, new Wire.Out().u32(0x7fffffff).u32(0xfffffff0L).toBytes());
            Thread.currentThread().join();
        });
        assertThatThrownBy(() -> new AgentClient(transport(sock), Duration.ofSeconds(5)).list("/"))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.code()).isIn(
                        AgentErrorCode.LIMIT_EXCEEDED, AgentErrorCode.PROTOCOL_ERROR));
    }

    @Test
    void readStreamRejectsMoreDataThanRequested() throws Exception {
        Path sock = serve(ch -> {
            hello(ch);
            readFrame(ch);
            byte[] stat = new Wire.Out().u8(1).u32(0100644).u64(3).u32(0).u32(0).u64(0).u32(0).u32(1)
                    .str("").str("").str("").toBytes();
            frame(ch, Wire.R_STAT, stat);
            frame(ch, Wire.R_DATA, new byte[10]);
            Thread.currentThread().join();
        });
        try (ReadStream in = new AgentClient(transport(sock), Duration.ofSeconds(5)).openRead("/f", 0, 3)) {
            assertThatThrownBy(in::readAllBytes).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(AgentErrorCode.PROTOCOL_ERROR));
        }
    }

    @Test
    void anAgentThatDoesNotAuthenticateIsRefusedWithTheFix() throws Exception {
        // an agent started before AUTH existed answers it as an unknown frame; the client never falls back
        Path sock = serve(ch -> {
            readFrame(ch);
            frame(ch, Wire.R_ERROR, new Wire.Out().u32(71).str("bad request (type 0x03): unknown frame type").toBytes());
        });
        assertThatThrownBy(() -> new AgentClient(transport(sock), Duration.ofSeconds(5)).ping())
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.code()).isEqualTo(AgentErrorCode.AGENT_UNTRUSTED);
                    assertThat(e.getMessage()).contains("does not authenticate").contains("restart the sandbox");
                });
    }
}
