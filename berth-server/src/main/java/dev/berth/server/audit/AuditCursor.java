package dev.berth.server.audit;

import dev.berth.core.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Position after the last record of a page, in (createdAt, id) descending order; opaque to clients. */
record AuditCursor(Instant createdAt, String id) {

    String encode() {
        String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static AuditCursor decode(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] f = raw.split(":", 3);
            return new AuditCursor(Instant.ofEpochSecond(Long.parseLong(f[0]), Long.parseLong(f[1])), f[2]);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("cursor '" + cursor + "' is not a cursor this server issued");
        }
    }
}
