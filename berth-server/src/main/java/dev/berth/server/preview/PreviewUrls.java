package dev.berth.server.preview;

import dev.berth.server.config.PreviewProperties;
import dev.berth.server.config.PublicUrl;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Preview hosts: {@code <port>-<sandbox id>.<domain>} for a sandbox's port and {@code <port>-<token>.<domain>} for a
 * signed link, under {@code berth.preview.base-url} (default: {@code localhost} on the public URL's scheme and
 * port, which needs no DNS: {@code *.localhost} is the loopback).
 */
@Component
public class PreviewUrls {

    private static final Pattern LABEL = Pattern.compile("([0-9]{1,5})-([a-z0-9][a-z0-9-]{0,62})");

    private final PreviewProperties props;
    private final PublicUrl publicUrl;

    public PreviewUrls(PreviewProperties props, PublicUrl publicUrl) {
        this.props = props;
        this.publicUrl = publicUrl;
    }

    /** A preview host's parts: the port and either a sandbox id or a signed link's token. */
    public record Target(int port, String subject) {
    }

    private URI base() {
        String configured = props.baseUrl();
        if (configured != null && !configured.isBlank()) {
            return URI.create(configured.trim());
        }
        URI pub = URI.create(publicUrl.get());
        return URI.create(pub.getScheme() + "://localhost" + (pub.getPort() > 0 ? ":" + pub.getPort() : ""));
    }

    /** The domain preview hosts end with (lower case, no port). */
    public String domain() {
        return base().getHost().toLowerCase(Locale.ROOT);
    }

    public String url(int port, String subject) {
        URI b = base();
        return b.getScheme() + "://" + port + "-" + subject + "." + b.getHost().toLowerCase(Locale.ROOT)
                + (b.getPort() > 0 ? ":" + b.getPort() : "");
    }

    /**
     * The preview target a Host header names, or empty if it is not a preview host (then the request is Berth's
     * API). A host under the domain with more than one extra label is not a preview host either.
     */
    public Optional<Target> parse(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return Optional.empty();
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        int colon = host.lastIndexOf(':');
        if (colon > 0 && host.indexOf(']') < colon) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        String suffix = "." + domain();
        if (!host.endsWith(suffix)) {
            return Optional.empty();
        }
        Matcher m = LABEL.matcher(host.substring(0, host.length() - suffix.length()));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Target(Integer.parseInt(m.group(1)), m.group(2)));
    }
}
