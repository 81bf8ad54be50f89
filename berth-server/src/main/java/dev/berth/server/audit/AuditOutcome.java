package dev.berth.server.audit;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** How an audited call ended; {@link #PENDING} until the handler has finished. */
public enum AuditOutcome {
    PENDING("pending"),
    SUCCESS("success"),
    FAILURE("failure");

    private final String wireName;

    AuditOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    static AuditOutcome ofStatus(int status) {
        return status >= 400 ? FAILURE : SUCCESS;
    }

    /** Stores the wire name, so the table reads 'pending', 'success', 'failure'. */
    @Converter(autoApply = true)
    static class JpaConverter implements AttributeConverter<AuditOutcome, String> {
        @Override
        public String convertToDatabaseColumn(AuditOutcome o) {
            return o == null ? null : o.wireName;
        }

        @Override
        public AuditOutcome convertToEntityAttribute(String s) {
            if (s == null) {
                return null;
            }
            for (AuditOutcome o : values()) {
                if (o.wireName.equals(s)) {
                    return o;
                }
            }
            throw new IllegalStateException("unknown audit outcome '" + s + "' in the database");
        }
    }
}
