package dev.berth.server.config;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;

/** The base URL clients reach Berth on: {@code berth.public-url}, or http://localhost:PORT. */
@Component
public class PublicUrl {

    private final BerthProperties props;
    private final ApplicationContext context;

    public PublicUrl(BerthProperties props, ApplicationContext context) {
        this.props = props;
        this.context = context;
    }

    public String get() {
        String configured = props.publicUrl();
        if (configured != null && !configured.isBlank()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        int port = context instanceof WebServerApplicationContext w && w.getWebServer() != null
                ? w.getWebServer().getPort() : 3000;
        return "http://localhost:" + port;
    }
}
