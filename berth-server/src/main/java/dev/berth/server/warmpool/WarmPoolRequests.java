package dev.berth.server.warmpool;

/** Bodies of {@code /api/warm-pools}; every field is honoured or refused (unknown ones: 400 naming them). */
final class WarmPoolRequests {

    private WarmPoolRequests() {
    }

    /** {@code POST /api/warm-pools}: the SDK's {@code CreateWarmPool}. */
    record Create(String snapshot, Integer pool, String target) {
    }

    /** {@code PATCH /api/warm-pools/{id}}: the SDK's {@code UpdateWarmPool}. */
    record Update(Integer pool) {
    }

    /**
     * {@code POST /api/admin/warm-pools}: a system pool, serving every organization, of {@code min}..{@code pool}
     * sandboxes (min defaults to pool: a fixed size).
     */
    record CreateSystem(String snapshot, Integer pool, Integer min, String target) {
    }

    /** {@code PATCH /api/admin/warm-pools/{id}}. */
    record UpdateSystem(Integer pool, Integer min) {
    }
}
