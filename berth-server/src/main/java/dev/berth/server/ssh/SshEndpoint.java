package dev.berth.server.ssh;

import dev.berth.server.config.PublicUrl;
import java.net.URI;
import org.springframework.stereotype.Component;

/** Where clients reach the SSH gateway, as shown in {@code sshCommand}. */
@Component
class SshEndpoint {

    private final SshProperties props;
    private final PublicUrl publicUrl;
    private volatile int boundPort;

    SshEndpoint(SshProperties props, PublicUrl publicUrl) {
        this.props = props;
        this.publicUrl = publicUrl;
    }

    /** Called by the gateway once it listens (the configured port may be 0). */
    void bound(int port) {
        boundPort = port;
    }

    int port() {
        return boundPort > 0 ? boundPort : props.port();
    }

    String host() {
        if (props.host() != null && !props.host().isBlank()) {
            return props.host();
        }
        try {
            String h = URI.create(publicUrl.get()).getHost();
            return h == null || h.isBlank() ? "localhost" : h;
        } catch (IllegalArgumentException e) {
            return "localhost";
        }
    }

    String command(String token) {
        return "ssh -p " + port() + " " + token + "@" + host();
    }
}
