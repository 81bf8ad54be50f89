package dev.berth.server.preview;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.config.PreviewProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PreviewUrlsTest {

    private static PreviewUrls urls(String base) {
        return new PreviewUrls(new PreviewProperties(true, base, 128, 32, 64, Duration.ofSeconds(60), Duration.ofMinutes(5),
                Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofHours(24)), null);
    }

    @Test
    void hostsUnderTheDomainWithOneLabelArePreviews() {
        PreviewUrls u = urls("http://localhost:3000");
        String id = "0b7e5f1c-2f7a-4c55-9d0e-3f1e2b9f6a11";
        assertThat(u.url(8080, id)).isEqualTo("http://8080-" + id + ".localhost:3000");
        assertThat(u.parse("8080-" + id + ".localhost:3000")).contains(new PreviewUrls.Target(8080, id));
        assertThat(u.parse("8080-" + id.toUpperCase() + ".LOCALHOST")).contains(new PreviewUrls.Target(8080, id));
        assertThat(u.parse("8080-" + id + ".localhost.:3000")).contains(new PreviewUrls.Target(8080, id));
        assertThat(u.parse("99999-abc.localhost")).contains(new PreviewUrls.Target(99999, "abc"));
    }

    @Test
    void everythingElseIsTheApi() {
        PreviewUrls u = urls("https://preview.example.com");
        assertThat(u.parse("localhost:3000")).isEmpty();
        assertThat(u.parse("preview.example.com")).isEmpty();
        assertThat(u.parse("a.8080-x.preview.example.com")).isEmpty();
        assertThat(u.parse("8080-x.preview.example.com.evil.org")).isEmpty();
        assertThat(u.parse("8080-x.evilpreview.example.com")).isEmpty();
        assertThat(u.parse("x-8080.preview.example.com")).isEmpty();
        assertThat(u.parse("123456-x.preview.example.com")).isEmpty();
        assertThat(u.parse("8080-.preview.example.com")).isEmpty();
        assertThat(u.parse(null)).isEmpty();
        assertThat(u.parse("8080-x.preview.example.com")).contains(new PreviewUrls.Target(8080, "x"));
        assertThat(u.url(3000, "t")).isEqualTo("https://3000-t.preview.example.com");
    }

    @Test
    void theTokenParameterAndCookieAreTakenOutExactly() {
        assertThat(PreviewGate.queryParam("a=1&token=abc%20d&token=zz", "token")).isEqualTo("abc d");
        assertThat(PreviewGate.queryParam("tokens=1", "token")).isNull();
        assertThat(PreviewGate.queryParam("a=%zz&token=x", "token")).isEqualTo("x");
        assertThat(PreviewGate.queryParam("token=%zz", "token")).isNull();
        assertThat(PreviewGate.withoutTokenParam("token=abc")).isNull();
        assertThat(PreviewGate.withoutTokenParam("x=2&token=abc&y=3")).isEqualTo("x=2&y=3");
        assertThat(PreviewGate.withoutTokenParam("xtoken=1&token")).isEqualTo("xtoken=1");
        assertThat(PreviewProxy.withoutPreviewCookie("a=1; berth-preview-token=t; b=2")).isEqualTo("a=1; b=2");
        assertThat(PreviewProxy.withoutPreviewCookie("berth-preview-token=t")).isEmpty();
        assertThat(PreviewProxy.withoutPreviewCookie("xberth-preview-token=t")).isEqualTo("xberth-preview-token=t");
    }

    @Test
    void tokensFitADnsLabelAndCompareExactly() {
        String t = PreviewTokens.newToken();
        assertThat(t).hasSize(32).matches("[a-z0-9]{32}");
        assertThat(PreviewTokens.looksLikeToken(t)).isTrue();
        assertThat(PreviewTokens.looksLikeToken("0b7e5f1c-2f7a-4c55-9d0e-3f1e2b9f6a11")).isFalse();
        assertThat(PreviewTokens.matches(t, t)).isTrue();
        assertThat(PreviewTokens.matches(t, t.substring(1))).isFalse();
        assertThat(PreviewTokens.matches(t, null)).isFalse();
        assertThat(PreviewTokens.newToken()).isNotEqualTo(t);
    }
}
