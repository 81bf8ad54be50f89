package dev.berth.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostIdentityTest {

    @Test
    void oneMachineInOneBootHasOneIdAndAnotherBootIsAnotherHost() {
        String id = HostIdentity.of("4c4c4544-machine", "boot-1");
        assertThat(HostIdentity.of("4c4c4544-machine", "boot-1")).isEqualTo(id).hasSize(16);
        assertThat(HostIdentity.of("4c4c4544-machine", "boot-2")).isNotEqualTo(id);
        assertThat(HostIdentity.of("other-machine", "boot-1")).isNotEqualTo(id);
    }

    @Test
    void thisMachineHasAStableId() {
        assertThat(HostIdentity.discover()).isEqualTo(HostIdentity.discover()).hasSize(16);
    }
}
