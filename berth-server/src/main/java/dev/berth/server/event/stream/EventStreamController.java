package dev.berth.server.event.stream;

import dev.berth.server.auth.Access;
import dev.berth.server.auth.Caller;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/events/stream}: the caller's organization's sandbox events as Server-Sent Events
 * ({@code event: sandbox.state.updated}, {@code data: {sandbox, oldState, newState}}), with heartbeat comments.
 */
@RestController
class EventStreamController {

    private final SseStreams streams;

    EventStreamController(SseStreams streams) {
        this.streams = streams;
    }

    @GetMapping(path = "/api/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Access(Access.Level.MEMBER)
    SseEmitter stream(Caller caller) {
        return streams.open(caller.organizationId());
    }
}
