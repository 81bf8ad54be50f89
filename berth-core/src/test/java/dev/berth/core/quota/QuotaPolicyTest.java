package dev.berth.core.quota;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.QuotaExceededException;
import dev.berth.core.sandbox.Resources;
import org.junit.jupiter.api.Test;

class QuotaPolicyTest {

    private final Quota q = new Quota(4, 8, 20, 2, 4, 10, 3, 10, 10, 10);

    @Test
    void createWithinQuotaPasses() {
        assertThatCode(() -> QuotaPolicy.checkCreate(q, new Usage(2, 4, 10, 2), new Resources(2, 4, 10)))
                .doesNotThrowAnyException();
    }

    @Test
    void exhaustedTotalsNameTheQuotaAndUsage() {
        assertThatThrownBy(() -> QuotaPolicy.checkCreate(q, new Usage(3, 1, 1, 1), new Resources(2, 1, 1)))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessageContaining("totalCpuQuota").hasMessageContaining("3 of 4 cores");
        assertThatThrownBy(() -> QuotaPolicy.checkCreate(q, new Usage(0, 0, 15, 1), new Resources(1, 1, 6)))
                .hasMessageContaining("totalDiskQuota");
        assertThatThrownBy(() -> QuotaPolicy.checkCreate(q, new Usage(0, 0, 0, 3), new Resources(1, 1, 1)))
                .hasMessageContaining("maxSandboxes").hasMessageContaining("3 of 3");
    }

    @Test
    void perSandboxMaximaApply() {
        assertThatThrownBy(() -> QuotaPolicy.checkCreate(q, Usage.NONE, new Resources(3, 1, 1)))
                .hasMessageContaining("maxCpuPerSandbox");
    }

    @Test
    void startCountsCpuAndMemoryButNotDiskAgain() {
        assertThatCode(() -> QuotaPolicy.checkStart(q, new Usage(2, 4, 20, 3), new Resources(2, 4, 10)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> QuotaPolicy.checkStart(q, new Usage(3, 4, 20, 3), new Resources(2, 4, 10)))
                .hasMessageContaining("totalCpuQuota");
    }
}
