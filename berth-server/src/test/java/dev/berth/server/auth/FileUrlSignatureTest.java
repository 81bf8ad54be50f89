package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Vectors computed by the SDK's own function ({@code computeFileUrlSignature} in
 * {@code @daytonaio/sdk@0.218.0/cjs/utils/fileUrlSigning.js}, run with node 20):
 * <pre>
 * node -e 'const f=require("./node_modules/@daytonaio/sdk/cjs/utils/fileUrlSigning.js");
 *          console.log(f.computeFileUrlSignature("k3y-ümlaut", "GET", "/home/user/a b+c?&amp;=.txt", 1700000000))'
 * </pre>
 */
class FileUrlSignatureTest {

    private static final String PATH = "/home/user/a b+c?&=.txt";

    @Test
    void matchesTheSdkForGetAndPostWithANonAsciiKeyAndAnAwkwardPath() {
        assertThat(FileUrlSignature.compute("k3y-ümlaut", "GET", PATH, 1700000000L))
                .isEqualTo("v1_L_PHIJKfLNMzl7AMsHQueZ5t3HU8HV07TJBWFczMRrk");
        assertThat(FileUrlSignature.compute("k3y-ümlaut", "POST", PATH, 1700000000L))
                .isEqualTo("v1_OckEJiG9VKVRHDlkmpPCpk-6USjG-IkfRLteHtL4t70");
    }

    @Test
    void matchesTheSdkForANeverExpiringRelativeNonAsciiPath() {
        assertThat(FileUrlSignature.compute("Zm9vYmFyYmF6cXV4", "GET", "relative/ünï.bin", 0))
                .isEqualTo("v1_WQdmX-9VAvPw71lQtEFH1b3nsG_M-kETH7o44gk2EFM");
    }

    @Test
    void matchesOnlyTheExactMethodPathExpiryAndKey() {
        String sig = "v1_L_PHIJKfLNMzl7AMsHQueZ5t3HU8HV07TJBWFczMRrk";
        assertThat(FileUrlSignature.matches("k3y-ümlaut", "GET", PATH, 1700000000L, sig)).isTrue();
        assertThat(FileUrlSignature.matches("k3y-ümlaut", "POST", PATH, 1700000000L, sig)).isFalse();
        assertThat(FileUrlSignature.matches("k3y-ümlaut", "GET", PATH + "x", 1700000000L, sig)).isFalse();
        assertThat(FileUrlSignature.matches("k3y-ümlaut", "GET", PATH, 1700000001L, sig)).isFalse();
        assertThat(FileUrlSignature.matches("other", "GET", PATH, 1700000000L, sig)).isFalse();
        assertThat(FileUrlSignature.matches("k3y-ümlaut", "GET", PATH, 1700000000L, sig + "=")).isFalse();
        assertThat(FileUrlSignature.matches(null, "GET", PATH, 1700000000L, sig)).isFalse();
        assertThat(FileUrlSignature.matches("k3y-ümlaut", "GET", PATH, 1700000000L, null)).isFalse();
    }
}
