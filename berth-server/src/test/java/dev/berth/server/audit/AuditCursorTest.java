package dev.berth.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.InvalidRequestException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditCursorTest {

    @Test
    void roundTripsMicrosecondTimesAndIds() {
        var c = new AuditCursor(Instant.parse("2025-03-01T10:15:30.123456Z"), "0b7c-id:with:colons");
        assertThat(AuditCursor.decode(c.encode())).isEqualTo(c);
    }

    @Test
    void rejectsForeignCursors() {
        assertThatThrownBy(() -> AuditCursor.decode("not-a-cursor")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not a cursor this server issued");
    }

    @Test
    void parsesIsoTimesWithOffsets() {
        assertThat(AuditLogController.instant("from", "2025-01-31T13:00:00+01:00"))
                .isEqualTo(Instant.parse("2025-01-31T12:00:00Z"));
        assertThat(AuditLogController.instant("from", null)).isNull();
        assertThatThrownBy(() -> AuditLogController.instant("to", "yesterday"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'to' must be an ISO-8601 time");
    }
}
