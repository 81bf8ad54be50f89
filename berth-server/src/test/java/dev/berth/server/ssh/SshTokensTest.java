package dev.berth.server.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SshTokensTest {

    @Test
    void tokensAreLongAlphanumericAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            String t = SshTokens.generate();
            assertThat(t).hasSize(43).matches("[A-Za-z0-9]{43}");
            assertThat(SshTokens.wellFormed(t)).isTrue();
            assertThat(seen.add(t)).isTrue();
        }
        // 62^43 tokens: about 256 bits
        assertThat(43 * Math.log(62) / Math.log(2)).isGreaterThan(255);
    }

    @Test
    void malformedTokensAreRecognisedWithoutALookup() {
        String t = SshTokens.generate();
        assertThat(SshTokens.wellFormed(null)).isFalse();
        assertThat(SshTokens.wellFormed("")).isFalse();
        assertThat(SshTokens.wellFormed(t.substring(1))).isFalse();
        assertThat(SshTokens.wellFormed(t + "a")).isFalse();
        assertThat(SshTokens.wellFormed("-" + t.substring(1))).isFalse();
        assertThat(SshTokens.wellFormed("é" + t.substring(1))).isFalse();
    }

    @Test
    void theHashIsSha256HexAndNotTheToken() {
        String t = SshTokens.generate();
        assertThat(SshTokens.hash(t)).hasSize(64).matches("[0-9a-f]{64}").doesNotContain(t)
                .isEqualTo(SshTokens.hash(t)).isNotEqualTo(SshTokens.hash(SshTokens.generate()));
        assertThat(SshTokens.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
