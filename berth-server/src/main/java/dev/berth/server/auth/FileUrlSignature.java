package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a file URL as the Daytona SDK computes it ({@code utils/fileUrlSigning.js}):
 * {@code "v1_" + base64url-without-padding(HMAC-SHA256(utf8(key), "v1:files:<METHOD>:<path>:<expires>"))}, where
 * {@code path} is the query parameter's decoded value, byte for byte, and {@code expires} is unix seconds (0: never).
 */
public final class FileUrlSignature {

    public static final String PREFIX = "v1_";

    private FileUrlSignature() {
    }

    public static String compute(String key, String method, String path, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal(("v1:files:" + method + ":" + path + ":" + expires)
                    .getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    /** Whether {@code signature} signs exactly this method, path and expiry with {@code key}; in constant time. */
    public static boolean matches(String key, String method, String path, long expires, String signature) {
        if (key == null || signature == null) {
            return false;
        }
        return MessageDigest.isEqual(compute(key, method, path, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.UTF_8));
    }
}
