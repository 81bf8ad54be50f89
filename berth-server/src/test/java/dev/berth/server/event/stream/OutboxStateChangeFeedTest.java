package dev.berth.server.event.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.event.Event;
import dev.berth.server.event.EventBus;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class OutboxStateChangeFeedTest {

    private final OutboxStateChangeFeed feed = new OutboxStateChangeFeed(new EventBus(), null, JsonMapper.builder().build());

    private static Event event(String type, String aggregate, String payload) {
        return new Event(1, type, aggregate, "sb-1", "org-1", payload, Instant.EPOCH, 0);
    }

    @Test
    void mapsStateUpdates() {
        var c = feed.toChange(event("sandbox.state.updated", "sandbox",
                "{\"id\":\"sb-1\",\"oldState\":\"stopping\",\"newState\":\"stopped\"}")).orElseThrow();
        assertThat(c).isEqualTo(new StateChange(StateChange.Kind.STATE_UPDATED, "sb-1", "org-1",
                SandboxState.STOPPING, SandboxState.STOPPED));
    }

    @Test
    void mapsCreation() {
        var c = feed.toChange(event("sandbox.created", "sandbox", "{\"id\":\"sb-1\",\"state\":\"creating\"}"))
                .orElseThrow();
        assertThat(c.kind()).isEqualTo(StateChange.Kind.CREATED);
        assertThat(c.from()).isNull();
        assertThat(c.to()).isEqualTo(SandboxState.CREATING);
    }

    @Test
    void ignoresOtherEventsAndUnknownStates() {
        assertThat(feed.toChange(event("snapshot.activated", "snapshot", "{}"))).isEmpty();
        assertThat(feed.toChange(event("sandbox.state.updated", "sandbox", "{\"newState\":\"levitating\"}"))).isEmpty();
    }
}
