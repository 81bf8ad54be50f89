package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.ForbiddenException;
import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.error.UnauthorizedException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

class SignedFileUrlsTest {

    private static final String SB = "11111111-2222-3333-4444-555555555555";
    private static final long NOW = 1_800_000_000L;

    private final Map<String, SignedUrlKeys.Keys> keys = new HashMap<>();
    private final SignedFileUrls urls = new SignedFileUrls(id -> Optional.ofNullable(keys.get(id)),
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    private static MockHttpServletRequest request(String method, String sandbox, String op, String query) {
        MockHttpServletRequest r = new MockHttpServletRequest(method, "/api/toolbox/" + sandbox + "/files/" + op);
        r.setQueryString(query);
        return r;
    }

    private static String q(String path, long expires, String sig) {
        return "path=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8) + "&expires="
                + expires + "&signature=" + sig;
    }

    @Test
    void acceptsTheQueryTheSdkBuildsAndGrantsExactlyThatOperation() {
        keys.put(SB, new SignedUrlKeys.Keys("org-1", "key", null));
        // the query of buildSignedFileUrl(..., "/tmp/a b+c&d=é.txt", "key", ttl 0), as node printed it
        Caller c = urls.verify(request("GET", SB, "download", "path=%2Ftmp%2Fa+b%2Bc%26d%3D%C3%A9.txt&expires=0"
                + "&signature=v1_IE9hkPhABm_VXQDlKaRYlTO5mYaM5NiMiMlj_rFb--g"));
        assertThat(c.organizationId()).isEqualTo("org-1");
        assertThat(c.permissions()).isEmpty();
        assertThat(c.userId()).isNull();
        assertThat(c.apiKeyId()).isNull();
        assertThat(c.signedUrl()).isEqualTo(new SignedUrlGrant(SB, "GET", "/tmp/a b+c&d=é.txt", 0));
        assertThat(c.actor()).isEqualTo("signed-url:GET sandbox:" + SB);
    }

    @Test
    void appliesOnlyToTheTwoRoutesWithASignatureOrExpiry() {
        assertThat(urls.applies(request("GET", SB, "download", "path=/a&signature=v1_x"))).isTrue();
        assertThat(urls.applies(request("POST", SB, "upload-v2", "expires=1"))).isTrue();
        assertThat(urls.applies(request("GET", SB, "download", "path=/a"))).isFalse();
        assertThat(urls.applies(request("GET", SB, "download", null))).isFalse();
        assertThat(urls.applies(request("POST", SB, "bulk-upload", "path=/a&signature=v1_x"))).isFalse();
        MockHttpServletRequest other = new MockHttpServletRequest("GET", "/api/sandbox/" + SB);
        other.setQueryString("signature=v1_x");
        assertThat(urls.applies(other)).isFalse();
    }

    @Test
    void expiryIsCheckedOnAuthenticLinksAndZeroNeverExpires() {
        keys.put(SB, new SignedUrlKeys.Keys("org-1", "k", null));
        String live = FileUrlSignature.compute("k", "GET", "/f", NOW);
        assertThat(urls.verify(request("GET", SB, "download", q("/f", NOW, live))).signedUrl().expires()).isEqualTo(NOW);
        String past = FileUrlSignature.compute("k", "GET", "/f", NOW - 1);
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", NOW - 1, past))))
                .isInstanceOf(UnauthorizedException.class).hasMessageContaining("expired at 2027-01-15T07:59:59Z");
        String never = FileUrlSignature.compute("k", "GET", "/f", 0);
        assertThat(urls.verify(request("GET", SB, "download", q("/f", 0, never))).signedUrl().expires()).isZero();
        // moving the expiry forward breaks the signature
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", NOW + 3600, past))))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("does not match");
    }

    @Test
    void eachMismatchSaysWhy() {
        keys.put(SB, new SignedUrlKeys.Keys("org-1", "new", "old"));
        String get = FileUrlSignature.compute("new", "GET", "/f", 0);
        assertThatThrownBy(() -> urls.verify(request("POST", SB, "upload-v2", q("/f", 0, get))))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("signed for GET (download), not POST");
        String old = FileUrlSignature.compute("old", "GET", "/f", 0);
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", 0, old))))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("rotated");
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/g", 0, get))))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("does not match")
                .hasMessageContaining("'/g'");
        String tampered = get.substring(0, get.length() - 1) + (get.endsWith("A") ? "B" : "A");
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", 0, tampered))))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("altered");
        // a sandbox without a key (or no such sandbox) reads the same as a wrong signature
        assertThatThrownBy(() -> urls.verify(request("GET", "other", "download", q("/f", 0, get))))
                .isInstanceOf(ForbiddenException.class).hasMessageContaining("does not match");
    }

    @Test
    void refusesRepeatedMissingOrMalformedParameters() {
        keys.put(SB, new SignedUrlKeys.Keys("org-1", "k", null));
        String sig = FileUrlSignature.compute("k", "GET", "/f", 0);
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", 0, sig) + "&path=/etc/shadow")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'path' appears 2 times");
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", "path=/f&signature=" + sig)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'expires' appears 0 times");
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", 0, sig).replace("expires=0",
                "expires=-5")))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("unix seconds");
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", q("/f", 0, "v2_abc"))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'v1_'");
        assertThatThrownBy(() -> urls.verify(request("GET", SB, "download", "path=%zz&expires=0&signature=" + sig)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("percent-encoded");
    }

    @Test
    void anOrganizationHeaderNamingAnotherOrganizationIsRefused() {
        keys.put(SB, new SignedUrlKeys.Keys("org-1", "k", null));
        MockHttpServletRequest r = request("GET", SB, "download", q("/f", 0, FileUrlSignature.compute("k", "GET", "/f", 0)));
        r.addHeader("X-Daytona-Organization-ID", "org-2");
        assertThatThrownBy(() -> urls.verify(r)).isInstanceOf(ForbiddenException.class)
                .hasMessageContaining("another organization");
    }
}
