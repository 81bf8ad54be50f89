package dev.berth.server.event.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.event.stream.SocketIoFrames.MalformedFrame;
import dev.berth.server.event.stream.SocketIoFrames.Type;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SocketIoFramesTest {

    @Test
    void encodesTheServerPackets() {
        assertThat(SocketIoFrames.open("abc", Duration.ofSeconds(25), Duration.ofSeconds(20), 1_000_000))
                .isEqualTo("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,"
                        + "\"maxPayload\":1000000}");
        assertThat(SocketIoFrames.connected("s1")).isEqualTo("40{\"sid\":\"s1\"}");
        assertThat(SocketIoFrames.connectError("/", "bad \"token\"")).isEqualTo("44{\"message\":\"bad \\\"token\\\"\"}");
        assertThat(SocketIoFrames.connectError("/admin", "Invalid namespace"))
                .isEqualTo("44/admin,{\"message\":\"Invalid namespace\"}");
        assertThat(SocketIoFrames.event("sandbox.state.updated", "{\"newState\":\"stopped\"}"))
                .isEqualTo("42[\"sandbox.state.updated\",{\"newState\":\"stopped\"}]");
    }

    @Test
    void parsesClientPackets() throws MalformedFrame {
        var connect = SocketIoFrames.parse("0{\"token\":\"k\"}");
        assertThat(connect.type()).isEqualTo(Type.CONNECT);
        assertThat(connect.namespace()).isEqualTo("/");
        assertThat(connect.data().get("token").asString()).isEqualTo("k");
        assertThat(SocketIoFrames.parse("0").data()).isNull();
        var nsp = SocketIoFrames.parse("0/admin,{}");
        assertThat(nsp.namespace()).isEqualTo("/admin");
        assertThat(SocketIoFrames.parse("1").type()).isEqualTo(Type.DISCONNECT);
        var event = SocketIoFrames.parse("212[\"hello\",1]");
        assertThat(event.type()).isEqualTo(Type.EVENT);
        assertThat(event.ackId()).isEqualTo(12L);
        assertThat(SocketIoFrames.parse("2/admin,3[\"x\"]").namespace()).isEqualTo("/admin");
    }

    @Test
    void refusesMalformedPackets() {
        for (String bad : new String[] {"", "9", "x", "0{oops", "0[1]", "2{}", "2[]", "1{}", "4{\"message\":\"x\"}",
                "51-[\"x\",{\"_placeholder\":true,\"num\":0}]", "0{\"a\":1} trailing"}) {
            assertThatThrownBy(() -> SocketIoFrames.parse(bad)).as(bad).isInstanceOf(MalformedFrame.class);
        }
    }
}
