package dev.berth.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.error.InvalidRequestException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceLimitsTest {

    private final ResourceLimits limits =
            new ResourceLimits(new Resources(1, 1, 3), new Resources(1, 1, 1), new Resources(4, 8, 10));

    @Test
    void missingFieldsTakeDefaults() {
        assertThat(limits.resolve(null, null, null)).isEqualTo(new Resources(1, 1, 3));
        assertThat(limits.resolve(2, 4, null)).isEqualTo(new Resources(2, 4, 3));
    }

    @Test
    void outOfRangeNamesFieldAndRange() {
        assertThatThrownBy(() -> limits.resolve(0, null, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("cpu must be between 1 and 4 cores, got 0");
        assertThatThrownBy(() -> limits.resolve(null, 9, null)).hasMessageContaining("memory must be between 1 and 8 GiB");
        assertThatThrownBy(() -> limits.resolve(null, null, -1)).hasMessageContaining("disk");
    }

    @Test
    void bytesConversion() {
        assertThat(new Resources(2, 1, 1).nanoCpus()).isEqualTo(2_000_000_000L);
        assertThat(new Resources(1, 2, 1).memoryBytes()).isEqualTo(2L << 30);
    }

    @Test
    void namesAreValidated() {
        assertThat(new SandboxName("my-box_1.a").value()).isEqualTo("my-box_1.a");
        assertThatThrownBy(() -> new SandboxName("x".repeat(64))).hasMessageContaining("maximum is 63");
        assertThatThrownBy(() -> new SandboxName("../etc")).hasMessageContaining("may contain only");
        assertThatThrownBy(() -> new SandboxName("")).hasMessageContaining("empty");
    }

    @Test
    void labelsAndEnvAreBounded() {
        Map<String, String> m = new HashMap<>();
        m.put("k", null);
        assertThatThrownBy(() -> Labels.validate("labels", m)).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> Labels.validate("env", Map.of("A=B", "x"))).hasMessageContaining("must not contain '='");
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> Labels.validate("labels", many)).hasMessageContaining("maximum is 64");
        assertThat(Labels.validate("labels", Map.of("a", "b"))).containsEntry("a", "b");
    }
}
