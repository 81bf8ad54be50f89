package dev.berth.server.auth;

import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.UnauthorizedException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Authenticates a request to a signed file URL (docs/signed-urls.md): {@code GET .../files/download} or
 * {@code POST .../files/upload-v2} under {@code /api/toolbox/{sandboxId}} with {@code path}, {@code expires} and
 * {@code signature} in the query, checked against the sandbox's signing key. The result is a {@link Caller} that
 * may do that one operation and nothing else. Every refusal says which check failed.
 */
@Component
public class SignedFileUrls {

    private static final Pattern ROUTE = Pattern.compile("/api/toolbox/([^/]+)/files/(download|upload-v2)");
    private static final Pattern EXPIRES = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final List<String> SIGNED = List.of("path", "expires", "signature");

    private final SignedUrlKeys keys;
    private final Clock clock;

    public SignedFileUrls(SignedUrlKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * A request on a signed-URL route that carries a {@code signature} or {@code expires}: it is authenticated by
     * them (and must not also send a bearer token). Without either it is an ordinary toolbox call.
     */
    public boolean applies(HttpServletRequest req) {
        if (!ROUTE.matcher(req.getRequestURI()).matches() || req.getQueryString() == null) {
            return false;
        }
        try {
            Map<String, List<String>> q = query(req.getQueryString());
            return q.containsKey("signature") || q.containsKey("expires");
        } catch (InvalidRequestException e) {
            return true; // undecodable: verify() says so rather than letting the call go on as a bearer one
        }
    }

    /**
     * @throws InvalidRequestException a missing, repeated or malformed {@code path}, {@code expires} or {@code signature}
     * @throws UnauthorizedException   an authentic link past its expiry
     * @throws ForbiddenException      a signature that does not match (altered, another method, another sandbox, a
     *                                 rotated key)
     */
    public Caller verify(HttpServletRequest req) {
        Matcher route = ROUTE.matcher(req.getRequestURI());
        if (!route.matches()) {
            throw new IllegalStateException("not a signed-URL route: " + req.getRequestURI());
        }
        String sandboxId = route.group(1);
        String method = req.getMethod();
        Map<String, List<String>> q = query(req.getQueryString());
        for (String name : SIGNED) {
            int n = q.getOrDefault(name, List.of()).size();
            if (n != 1) {
                throw new InvalidRequestException("a signed file link carries 'path', 'expires' and 'signature' once "
                        + "each; '" + name + "' appears " + n + " times");
            }
        }
        String path = q.get("path").get(0);
        String signature = q.get("signature").get(0);
        String expiresText = q.get("expires").get(0);
        if (!EXPIRES.matcher(expiresText).matches()) {
            throw new InvalidRequestException("'expires' of a signed file link must be unix seconds (0: never), not '"
                    + expiresText + "'");
        }
        long expires = Long.parseLong(expiresText);
        if (!signature.startsWith(FileUrlSignature.PREFIX)) {
            throw new InvalidRequestException("'signature' of a signed file link must start with '"
                    + FileUrlSignature.PREFIX + "' (version 1 signatures)");
        }
        Optional<SignedUrlKeys.Keys> found = keys.of(sandboxId);
        String key = found.map(SignedUrlKeys.Keys::current).orElse(null);
        if (!FileUrlSignature.matches(key, method, path, expires, signature)) {
            throw new ForbiddenException(mismatch(found.orElse(null), method, path, expires, signature));
        }
        if (expires != 0 && clock.instant().getEpochSecond() > expires) {
            throw new UnauthorizedException("this signed file link expired at " + Instant.ofEpochSecond(expires)
                    + " (expires=" + expires + "); ask for a new link");
        }
        String orgHeader = req.getHeader(AuthenticationFilter.ORGANIZATION_HEADER);
        if (orgHeader != null && !orgHeader.isBlank() && !orgHeader.equals(found.get().organizationId())) {
            throw new ForbiddenException("this signed link is for a sandbox of another organization than the "
                    + AuthenticationFilter.ORGANIZATION_HEADER + " header names; send the link without the header");
        }
        return Caller.signedUrl(found.get().organizationId(), new SignedUrlGrant(sandboxId, method, path, expires));
    }

    /** Why an inauthentic signature fails, as far as the keys can tell without weakening anything. */
    private static String mismatch(SignedUrlKeys.Keys keys, String method, String path, long expires, String sig) {
        if (keys != null) {
            for (String other : List.of("GET", "POST")) {
                if (!other.equals(method) && FileUrlSignature.matches(keys.current(), other, path, expires, sig)) {
                    return "this link is signed for " + other + " (" + (other.equals("GET") ? "download" : "upload")
                            + "), not " + method + "; a signed link allows only its own method";
                }
            }
            for (String any : List.of(method, "GET", "POST")) {
                if (FileUrlSignature.matches(keys.previous(), any, path, expires, sig)) {
                    return "this link was signed with a signing key that has since been rotated; ask for a new link";
                }
            }
        }
        return "the signature does not match this sandbox's signing key for " + method + " of path '" + path
                + "' with expires=" + expires + ": the link was altered, or it was signed for another sandbox";
    }

    /** The query's parameters, decoded as form data ('+' is a space), every occurrence kept. */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("the query string is not validly percent-encoded: " + e.getMessage());
        }
    }
}
