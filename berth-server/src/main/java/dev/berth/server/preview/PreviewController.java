package dev.berth.server.preview;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.NotFoundException;
import dev.berth.server.auth.Permission;
import dev.berth.server.auth.RequiresPermission;
import dev.berth.server.auth.Caller;
import dev.berth.server.config.PreviewProperties;
import dev.berth.server.sandbox.Sandbox;
import dev.berth.server.sandbox.SandboxService;
import java.time.Clock;
import java.time.Instant;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Preview URLs of a sandbox's ports (SDK {@code getPreviewLink}, {@code getSignedPreviewUrl},
 * {@code expireSignedPreviewUrl}). They need {@code write:sandboxes}, as the toolbox does: the token opens
 * the sandbox's apps, which is as much as its toolbox. docs/previews.md.
 */
@RestController
@RequiresPermission(Permission.WRITE_SANDBOXES)
@RequestMapping("/api/sandbox/{idOrName}/ports/{port}")
public class PreviewController {

    private final SandboxService sandboxes;
    private final PreviewTokens tokens;
    private final PreviewUrls urls;
    private final PreviewProperties props;
    private final Clock clock;

    public PreviewController(SandboxService sandboxes, PreviewTokens tokens, PreviewUrls urls, PreviewProperties props,
            Clock clock) {
        this.sandboxes = sandboxes;
        this.tokens = tokens;
        this.urls = urls;
        this.props = props;
        this.clock = clock;
    }

    public record PortPreviewUrl(String sandboxId, String url, String token) {
    }

    public record SignedPortPreviewUrl(String sandboxId, int port, String token, String url) {
    }

    @GetMapping("/preview-url")
    public PortPreviewUrl previewUrl(Caller caller, @PathVariable String idOrName, @PathVariable String port) {
        Sandbox s = sandbox(caller, idOrName);
        int p = port(port);
        return new PortPreviewUrl(s.getId(), urls.url(p, s.getId()), tokens.tokenOf(s.getId()));
    }

    @GetMapping("/signed-preview-url")
    public SignedPortPreviewUrl signedPreviewUrl(Caller caller, @PathVariable String idOrName,
            @PathVariable String port, @RequestParam(required = false) String expiresInSeconds) {
        Sandbox s = sandbox(caller, idOrName);
        int p = port(port);
        long seconds = expiry(expiresInSeconds);
        Instant now = clock.instant();
        String token = tokens.sign(s.getId(), p, now, now.plusSeconds(seconds));
        return new SignedPortPreviewUrl(s.getId(), p, token, urls.url(p, token));
    }

    @PostMapping("/signed-preview-url/{token}/expire")
    public ResponseEntity<Void> expire(Caller caller, @PathVariable String idOrName, @PathVariable String port,
            @PathVariable String token) {
        Sandbox s = sandbox(caller, idOrName);
        int p = port(port);
        if (!tokens.expire(s.getId(), p, token, clock.instant())) {
            throw new NotFoundException("sandbox " + s.getId() + " has no signed preview link with that token for "
                    + "port " + p);
        }
        return ResponseEntity.noContent().build();
    }

    private Sandbox sandbox(Caller caller, String idOrName) {
        if (!props.enabled()) {
            throw new NotFoundException("preview URLs are turned off on this server (berth.preview.enabled=false)");
        }
        return sandboxes.get(caller, idOrName);
    }

    static int port(String raw) {
        int p;
        try {
            p = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("port: '" + raw + "' is not a number; a port is 1 to 65535");
        }
        if (p < 1 || p > 65535) {
            throw new InvalidRequestException("port: " + p + " is out of range; a port is 1 to 65535");
        }
        return p;
    }

    private long expiry(String raw) {
        if (raw == null || raw.isBlank()) {
            return props.signedDefaultExpiry().toSeconds();
        }
        long s;
        try {
            s = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("expiresInSeconds: '" + raw + "' is not a whole number of seconds");
        }
        long max = props.signedMaxExpiry().toSeconds();
        if (s < 1 || s > max) {
            throw new InvalidRequestException("expiresInSeconds: " + s + " is out of range; a signed preview link "
                    + "lasts 1 to " + max + " seconds (berth.preview.signed-max-expiry)");
        }
        return s;
    }
}
