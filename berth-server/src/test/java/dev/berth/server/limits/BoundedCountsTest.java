package dev.berth.server.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A key holds at most the bound (an organization's share of SSH channel threads, say); others are not affected. */
class BoundedCountsTest {

    @Test
    void anOrganizationGetsItsShareAndNoMoreUntilItReleasesOne() {
        BoundedCounts slots = new BoundedCounts(2);
        assertThat(slots.tryTake("a")).isTrue();
        assertThat(slots.tryTake("a")).isTrue();
        assertThat(slots.tryTake("a")).as("a third channel of the same organization").isFalse();
        assertThat(slots.tryTake("b")).as("another organization is not held back").isTrue();
        slots.give("a");
        assertThat(slots.tryTake("a")).isTrue();
        assertThat(slots.held("a")).isEqualTo(2);
        slots.give("a");
        slots.give("a");
        slots.give("a"); // a release too many never makes room beyond the share
        assertThat(slots.held("a")).isZero();
        assertThat(slots.tryTake("a")).isTrue();
        assertThat(slots.tryTake("a")).isTrue();
        assertThat(slots.tryTake("a")).isFalse();
    }
}
