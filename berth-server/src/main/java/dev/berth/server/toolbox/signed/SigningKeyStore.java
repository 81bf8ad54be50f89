package dev.berth.server.toolbox.signed;

import dev.berth.server.auth.SignedUrlKeys;
import dev.berth.server.registry.SecretBox;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Sandboxes' signing keys for file URLs, in the database (every replica verifies every link), sealed at rest and
 * bound to their sandbox. A key is made on first use; concurrent first uses on any replicas agree on one (the
 * primary key decides). A rotation keeps the replaced key only so an old link can be told why it fails.
 */
@Component
public class SigningKeyStore implements SignedUrlKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcTemplate jdbc;
    private final SecretBox box;
    private final Clock clock;

    public SigningKeyStore(JdbcTemplate jdbc, SecretBox box, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.clock = clock;
    }

    @Override
    public Optional<Keys> of(String sandboxId) {
        List<Keys> rows = jdbc.query("select organization_id, sealed_key, previous_sealed_key from sandbox_signing_key "
                + "where sandbox_id = ?", (rs, i) -> new Keys(rs.getString(1), open(rs.getString(2), sandboxId),
                        rs.getString(3) == null ? null : open(rs.getString(3), sandboxId)), sandboxId);
        return rows.stream().findFirst();
    }

    /** The sandbox's key, made now if it has none. */
    public String current(String sandboxId, String organizationId) {
        Optional<Keys> existing = of(sandboxId);
        if (existing.isPresent()) {
            return existing.get().current();
        }
        String key = newKey();
        try {
            jdbc.update("insert into sandbox_signing_key (sandbox_id, organization_id, sealed_key, created_at) "
                    + "values (?, ?, ?, ?)", sandboxId, organizationId, seal(key, sandboxId), now());
            return key;
        } catch (DuplicateKeyException e) {
            return of(sandboxId).orElseThrow().current(); // another request made it first: that one is the key
        }
    }

    /** Replaces the sandbox's key (making one if it had none); every link signed with the old one stops working. */
    public String rotate(String sandboxId, String organizationId) {
        String key = newKey();
        String sealed = seal(key, sandboxId);
        if (jdbc.update("update sandbox_signing_key set previous_sealed_key = sealed_key, sealed_key = ?, "
                + "rotated_at = ? where sandbox_id = ?", sealed, now(), sandboxId) == 1) {
            return key;
        }
        try {
            jdbc.update("insert into sandbox_signing_key (sandbox_id, organization_id, sealed_key, created_at) "
                    + "values (?, ?, ?, ?)", sandboxId, organizationId, sealed, now());
        } catch (DuplicateKeyException e) {
            jdbc.update("update sandbox_signing_key set previous_sealed_key = sealed_key, sealed_key = ?, "
                    + "rotated_at = ? where sandbox_id = ?", sealed, now(), sandboxId);
        }
        return key;
    }

    /** 32 random bytes, base64url: the SDK uses the key as a UTF-8 string, so it is kept printable. */
    private static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private String seal(String key, String sandboxId) {
        return box.seal(key, boundTo(sandboxId));
    }

    private String open(String sealed, String sandboxId) {
        return box.open(sealed, boundTo(sandboxId));
    }

    private static String boundTo(String sandboxId) {
        return "sandbox-signing-key:" + sandboxId;
    }

    private java.time.OffsetDateTime now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
