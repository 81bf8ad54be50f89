package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Generation and hashing of API key values; the plain value is never stored. */
public final class ApiKeys {

    public static final String PREFIX = "bth_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A fresh key: "bth_" + 64 hex characters (256 random bits). */
    public static String generate() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + HexFormat.of().formatHex(b);
    }

    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    public static String visiblePrefix(String value) {
        return value.substring(0, Math.min(8, value.length()));
    }

    public static String visibleSuffix(String value) {
        return value.substring(Math.max(0, value.length() - 4));
    }
}
