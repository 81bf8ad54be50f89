package dev.berth.server.sandbox;

import dev.berth.core.error.InvalidRequestException;
import dev.berth.core.sandbox.SandboxState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Component;

/**
 * Cursor-paginated listing in (createdAt, id) order. The cursor is opaque to clients and encodes
 * the last item's position, so pages stay stable while sandboxes come and go.
 */
@Component
public class SandboxQuery {

    public static final int MAX_LIMIT = 200;
    private static final int BATCH = 200;
    /** Upper bound on rows scanned per request when a label filter discards most of them. */
    private static final int MAX_SCAN = 20_000;

    private final SandboxRepository repo;
    private final SandboxMapper mapper;

    public SandboxQuery(SandboxRepository repo, SandboxMapper mapper) {
        this.repo = repo;
        this.mapper = mapper;
    }

    public record Page(List<Sandbox> items, String nextCursor) {
    }

    public Page list(String organizationId, int limit, String cursor, Map<String, String> labels,
            Set<SandboxState> states) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        Set<SandboxState> wanted = states == null || states.isEmpty() ? defaultStates() : states;
        Position pos = cursor == null || cursor.isBlank() ? Position.START : Position.decode(cursor);
        List<Sandbox> out = new ArrayList<>();
        int scanned = 0;
        boolean more = true;
        while (out.size() < limit && more && scanned < MAX_SCAN) {
            List<Sandbox> batch = repo.page(organizationId, wanted, pos.createdAt(), pos.id(), PageRequest.of(0, BATCH));
            more = batch.size() == BATCH;
            for (Sandbox s : batch) {
                scanned++;
                pos = new Position(s.getCreatedAt(), s.getId());
                if (matches(s, labels)) {
                    out.add(s);
                    if (out.size() == limit) {
                        break;
                    }
                }
            }
        }
        boolean full = out.size() == limit;
        boolean scanCut = !full && more && scanned >= MAX_SCAN;
        return new Page(out, full || scanCut ? pos.encode() : null);
    }

    private boolean matches(Sandbox s, Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return true;
        }
        Map<String, String> have = mapper.fromJson(s.getLabelsJson());
        return labels.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }

    private static Set<SandboxState> defaultStates() {
        Set<SandboxState> all = EnumSet.allOf(SandboxState.class);
        all.remove(SandboxState.DESTROYED);
        return all;
    }

    record Position(Instant createdAt, String id) {
        static final Position START = new Position(Instant.EPOCH, "");

        String encode() {
            String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Position decode(String cursor) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                String[] f = raw.split(":", 3);
                return new Position(Instant.ofEpochSecond(Long.parseLong(f[0]), Long.parseLong(f[1])), f[2]);
            } catch (RuntimeException e) {
                throw new InvalidRequestException("cursor '" + cursor + "' is not a cursor this server issued");
            }
        }
    }
}
