package dev.berth.server.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.QuotaExceededException;
import dev.berth.core.error.UnavailableException;
import dev.berth.server.auth.Caller;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The output budget's per-organization share: one tenant cannot reserve the whole replica's budget. */
class LongOperationsTest {

    private static final long MIB = 1 << 20;

    private static Caller key(String org, String key) {
        return new Caller("user-" + key, org, key, "bth_", "x", false, Set.of());
    }

    private final LongOperations ops = new LongOperations(new LimitProperties(16, 32, 128,
            DataSize.ofMegabytes(64), null, DataSize.ofMegabytes(8)));

    @Test
    void oneOrganizationGetsHalfTheBudgetByDefaultAndOthersTheRest() {
        Caller a1 = key("org-a", "a1");
        Caller a2 = key("org-a", "a2");
        var held = new java.util.ArrayList<LongOperations.Permit>();
        held.add(ops.begin(a1, 16 * MIB));
        held.add(ops.begin(a2, 16 * MIB));
        // A's third reservation would pass 32 MiB (half of 64): its own 429, naming the setting
        assertThatThrownBy(() -> ops.begin(a1, 16 * MIB)).isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("berth.limits.output-budget-per-org");
        // B still gets the other half
        held.add(ops.begin(key("org-b", "b1"), 16 * MIB));
        held.add(ops.begin(key("org-b", "b2"), 16 * MIB));
        assertThat(ops.reservedOutputBytes()).isEqualTo(64 * MIB);
        // now the replica's budget is spent for everyone: 503
        assertThatThrownBy(() -> ops.begin(key("org-c", "c1"), 16 * MIB)).isInstanceOf(UnavailableException.class)
                .hasMessageContaining("berth.limits.output-budget");
        held.forEach(LongOperations.Permit::close);
        assertThat(ops.reservedOutputBytes()).isZero();
        // a refused reservation left nothing behind: A can use its whole share again
        ops.begin(a1, 16 * MIB).close();
        try (var p1 = ops.begin(a1, 16 * MIB); var p2 = ops.begin(a2, 16 * MIB)) {
            assertThat(ops.reservedOutputBytes()).isEqualTo(32 * MIB);
        }
    }
}
