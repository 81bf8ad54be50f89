package dev.berth.server.audit;

import dev.berth.core.error.InvalidRequestException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.Path;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Lists one organization's audit records newest first, one cursor page at a time. */
@Component
class AuditQuery {

    static final int MAX_LIMIT = 200;

    private final EntityManager em;

    AuditQuery(EntityManager em) {
        this.em = em;
    }

    record Page(List<AuditRecord> items, String nextCursor) {
    }

    @Transactional(readOnly = true)
    public Page list(String organizationId, AuditFilter filter, int limit, String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        CriteriaBuilder cb = em.getCriteriaBuilder();
        var q = cb.createQuery(AuditRecord.class);
        Root<AuditRecord> r = q.from(AuditRecord.class);
        Path<Instant> createdAt = r.get("createdAt");
        Path<String> id = r.get("id");
        List<Predicate> where = new ArrayList<>();
        where.add(cb.equal(r.get("organizationId"), organizationId));
        if (filter.from() != null) {
            where.add(cb.greaterThanOrEqualTo(createdAt, filter.from()));
        }
        if (filter.to() != null) {
            where.add(cb.lessThan(createdAt, filter.to()));
        }
        equal(cb, r, where, "action", filter.action());
        equal(cb, r, where, "targetType", filter.targetType());
        equal(cb, r, where, "targetId", filter.targetId());
        if (cursor != null && !cursor.isBlank()) {
            AuditCursor after = AuditCursor.decode(cursor);
            where.add(cb.or(cb.lessThan(createdAt, after.createdAt()),
                    cb.and(cb.equal(createdAt, after.createdAt()), cb.lessThan(id, after.id()))));
        }
        q.where(where.toArray(Predicate[]::new)).orderBy(cb.desc(createdAt), cb.desc(id));
        List<AuditRecord> rows = em.createQuery(q).setMaxResults(limit + 1).getResultList();
        if (rows.size() <= limit) {
            return new Page(rows, null);
        }
        List<AuditRecord> page = rows.subList(0, limit);
        AuditRecord last = page.get(limit - 1);
        return new Page(List.copyOf(page), new AuditCursor(last.getCreatedAt(), last.getId()).encode());
    }

    private static void equal(CriteriaBuilder cb, Root<AuditRecord> r, List<Predicate> where, String field,
            String value) {
        if (value != null && !value.isBlank()) {
            where.add(cb.equal(r.get(field), value));
        }
    }
}
