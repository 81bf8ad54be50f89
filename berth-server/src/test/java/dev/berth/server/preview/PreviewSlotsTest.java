package dev.berth.server.preview;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Preview slots: a sandbox, an organization and the replica each have a bound; a refusal takes nothing. */
class PreviewSlotsTest {

    @Test
    void oneOrganizationCannotTakeEverySlotAndARefusalHoldsNothing() {
        PreviewSlots slots = new PreviewSlots(6, 4, 3);
        assertThat(slots.acquire("a1", "A")).isTrue();
        assertThat(slots.acquire("a1", "A")).isTrue();
        assertThat(slots.acquire("a1", "A")).isTrue();
        assertThat(slots.acquire("a1", "A")).as("the sandbox's bound").isFalse();
        assertThat(slots.acquire("a2", "A")).isTrue();
        assertThat(slots.acquire("a3", "A")).as("the organization's bound, on another of its sandboxes").isFalse();
        assertThat(slots.acquire("b1", "B")).as("another organization still gets in").isTrue();
        assertThat(slots.acquire("b1", "B")).isTrue();
        assertThat(slots.acquire("c1", "C")).as("the replica's bound").isFalse();
        // the refusals above took nothing: releasing one of A's lets exactly one more in
        slots.release("a1", "A");
        assertThat(slots.openFor("a1")).isEqualTo(2);
        assertThat(slots.acquire("c1", "C")).isTrue();
        assertThat(slots.acquire("a3", "A")).as("the replica is full again").isFalse();
        slots.release("c1", "C");
        assertThat(slots.acquire("a3", "A")).isTrue();
        assertThat(slots.acquire("a3", "A")).as("A holds its 4").isFalse();
    }
}
