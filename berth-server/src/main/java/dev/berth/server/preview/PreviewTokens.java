package dev.berth.server.preview;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The preview credentials, all in the database so every replica honours and forgets them at once: each sandbox's
 * preview token (made on first use) and signed preview links (one port, until their expiry or an explicit expire).
 * Tokens are 32 characters of {@code [a-z0-9]} (165 bits): they fit a DNS label, which a signed link's host needs.
 */
@Component
public class PreviewTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    public static final int TOKEN_LENGTH = 32;

    private final NamedParameterJdbcTemplate jdbc;

    public PreviewTokens(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A signed link as stored. */
    public record SignedLink(String sandboxId, int port, Instant expiresAt, Instant expiredAt) {
        public boolean usableAt(Instant now) {
            return expiredAt == null && now.isBefore(expiresAt);
        }
    }

    static String newToken() {
        char[] c = new char[TOKEN_LENGTH];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }

    static boolean looksLikeToken(String s) {
        if (s == null || s.length() != TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9')) {
                return false;
            }
        }
        return true;
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of a presented token with the expected one. */
    static boolean matches(String expected, String presented) {
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /** The sandbox's preview token, made on first use (two replicas racing agree on the first one written). */
    @Transactional
    public String tokenOf(String sandboxId) {
        Optional<String> existing = current(sandboxId);
        if (existing.isPresent()) {
            return existing.get();
        }
        jdbc.update("update sandbox set preview_token = :t where id = :id and preview_token is null",
                Map.of("t", newToken(), "id", sandboxId));
        return current(sandboxId).orElseThrow(() -> new IllegalStateException("sandbox " + sandboxId + " is gone"));
    }

    /** The stored token, without making one (a sandbox nobody asked a preview URL for has none). */
    public Optional<String> current(String sandboxId) {
        List<String> t = jdbc.queryForList("select preview_token from sandbox where id = :id",
                Map.of("id", sandboxId), String.class);
        return t.isEmpty() || t.get(0) == null ? Optional.empty() : Optional.of(t.get(0));
    }

    /** Stores a new signed link and returns its token; expired links older than a day are pruned on the way. */
    @Transactional
    public String sign(String sandboxId, int port, Instant now, Instant expiresAt) {
        jdbc.update("delete from signed_preview_link where coalesce(expired_at, expires_at) < :cutoff",
                Map.of("cutoff", ts(now.minusSeconds(86_400))));
        String token = newToken();
        jdbc.update("insert into signed_preview_link (token_hash, sandbox_id, port, expires_at, created_at) "
                + "values (:h, :s, :p, :e, :c)", Map.of("h", hash(token), "s", sandboxId, "p", port,
                "e", ts(expiresAt), "c", ts(now)));
        return token;
    }

    public Optional<SignedLink> signed(String token) {
        if (!looksLikeToken(token)) {
            return Optional.empty();
        }
        return jdbc.query("select * from signed_preview_link where token_hash = :h", Map.of("h", hash(token)),
                PreviewTokens::link).stream().findFirst();
    }

    /** Ends a signed link of this sandbox and port now; false if there is no such link. */
    public boolean expire(String sandboxId, int port, String token, Instant now) {
        if (!looksLikeToken(token)) {
            return false;
        }
        return jdbc.update("update signed_preview_link set expired_at = :now where token_hash = :h "
                + "and sandbox_id = :s and port = :p and expired_at is null",
                Map.of("now", ts(now), "h", hash(token), "s", sandboxId, "p", port)) == 1
                || jdbc.queryForObject("select count(*) from signed_preview_link where token_hash = :h "
                        + "and sandbox_id = :s and port = :p", Map.of("h", hash(token), "s", sandboxId, "p", port),
                        Integer.class) == 1;
    }

    private static SignedLink link(ResultSet rs, int row) throws SQLException {
        OffsetDateTime expired = rs.getObject("expired_at", OffsetDateTime.class);
        return new SignedLink(rs.getString("sandbox_id"), rs.getInt("port"),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                expired == null ? null : expired.toInstant());
    }

    private static OffsetDateTime ts(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
