package dev.berth.runner.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TunnelTransportTest {

    @Test
    void aRunnerWhoseTunnelNobodyListensOnIsNamedAsUnreachableNotTheSandboxsAgent() throws Exception {
        int port;
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there, as after a runner was killed
        }
        var client = new AgentClient(new TunnelTransport("eu-1", "127.0.0.1:" + port, "secret", "sb-1"),
                Duration.ofSeconds(5));

        AgentException e = catchThrowableOfType(AgentException.class, client::ping);

        assertThat(e.code()).isEqualTo(AgentErrorCode.RUNNER_UNREACHABLE);
        assertThat(e.getMessage()).contains("runner eu-1").contains("127.0.0.1:" + port).contains("retry when the runner is back");
    }
}
