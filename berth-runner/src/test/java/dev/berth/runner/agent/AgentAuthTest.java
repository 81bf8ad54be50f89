package dev.berth.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent serves nothing to a connection that has not proved the sandbox's token, and the host
 * never connects through a replaced socket entry (issue 9, finding 1).
 */
class AgentAuthTest {

    private static final Duration T = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    @Test
    void anotherSandboxsTokenIsRefusedAndNothingIsServed() throws Exception {
        try (AgentHarness a = new AgentHarness(Files.createDirectories(tmp.resolve("a")))) {
            AgentClient wrong = new AgentClient(a.socket, "f".repeat(64), "sandbox-b", T);
            assertThatThrownBy(() -> wrong.exec(ExecRequest.of("touch", a.dir.resolve("ran").toString()), T))
                    .isInstanceOfSatisfying(AgentException.class, e -> {
                        assertThat(e.code()).isEqualTo(AgentErrorCode.AGENT_UNTRUSTED);
                        assertThat(e.getMessage()).contains("sandbox-b").contains("refused this sandbox's token");
                    });
            assertThat(a.dir.resolve("ran")).doesNotExist();
            // a prefix of the right token is not the token
            AgentClient prefix = new AgentClient(a.socket, AgentHarness.TOKEN.substring(0, 63), "a", T);
            assertThatThrownBy(prefix::ping).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(AgentErrorCode.AGENT_UNTRUSTED));
            assertThat(a.client.ping()).startsWith("berth-agent/");
        }
    }

    @Test
    void aFirstFrameOtherThanAuthIsRefused() throws Exception {
        try (AgentHarness a = new AgentHarness(Files.createDirectories(tmp.resolve("a")));
             SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(a.socket));
            byte[] hello = new Wire.Out().u32(Wire.MAGIC).u16(Wire.VERSION).toBytes();
            ch.write(ByteBuffer.allocate(5 + hello.length).putInt(hello.length + 1).put((byte) Wire.T_HELLO).put(hello)
                    .flip());
            ByteBuffer reply = ByteBuffer.allocate(2048);
            while (ch.read(reply) >= 0) {
                // until the agent closes
            }
            assertThat(reply.get(4) & 0xff).isEqualTo(Wire.R_ERROR);
            assertThat(new String(reply.array(), 13, reply.position() - 13)).contains("authentication required");
        }
    }

    @Test
    void anAgentWithoutATokenRefusesEveryoneWithTheFix() throws Exception {
        try (AgentHarness a = AgentHarness.withToken(Files.createDirectories(tmp.resolve("a")), null)) {
            assertThatThrownBy(a.client::ping).isInstanceOfSatisfying(AgentException.class, e -> {
                assertThat(e.code()).isEqualTo(AgentErrorCode.AGENT_UNTRUSTED);
                assertThat(e.getMessage()).contains("has no token").contains("restart the sandbox");
            });
        }
    }

    @Test
    void aSymlinkInPlaceOfTheSocketIsNotFollowed() throws Exception {
        try (AgentHarness a = new AgentHarness(Files.createDirectories(tmp.resolve("a")));
             AgentHarness b = new AgentHarness(Files.createDirectories(tmp.resolve("b")))) {
            // what a hostile sandbox does in its own run directory
            Files.move(a.socket, a.socket.resolveSibling("real.sock"));
            Files.createSymbolicLink(a.socket, b.socket);
            assertThatThrownBy(a.client::ping).isInstanceOfSatisfying(AgentException.class, e -> {
                assertThat(e.code()).isEqualTo(AgentErrorCode.AGENT_UNTRUSTED);
                assertThat(e.getMessage()).contains("symbolic link").contains("restart the sandbox");
            });
            Files.delete(a.socket);
            Files.writeString(a.socket, "not a socket");
            assertThatThrownBy(a.client::ping).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.getMessage()).contains("not a socket"));
        }
    }

    @Test
    void aSwapAfterTheCheckStillReachesNoOtherSandbox() throws Exception {
        // the race the lstat check cannot close: the connect itself reaches B's agent, which refuses A's token
        try (AgentHarness a = AgentHarness.withToken(Files.createDirectories(tmp.resolve("a")), "a".repeat(64));
             AgentHarness b = AgentHarness.withToken(Files.createDirectories(tmp.resolve("b")), "b".repeat(64))) {
            AgentTransport raced = new AgentTransport() {
                @Override
                public SocketChannel open() throws IOException {
                    return SocketChannel.open(StandardProtocolFamily.UNIX);
                }

                @Override
                public void connect(SocketChannel ch) throws IOException {
                    ch.connect(UnixDomainSocketAddress.of(b.socket)); // as if swapped after the lstat
                    AgentAuth.authenticate(ch, "a".repeat(64), "sandbox-a");
                }

                @Override
                public String describe() {
                    return "raced";
                }
            };
            assertThatThrownBy(() -> new AgentClient(raced, T).ping()).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.code()).isEqualTo(AgentErrorCode.AGENT_UNTRUSTED));
        }
    }
}
