package dev.berth.server.event.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter.SseEventBuilder;

/** One {@code GET /api/events/stream} response: {@code event:}/{@code data:} records and heartbeat comments. */
final class SseSubscriber implements StreamSubscriber {

    private final String organizationId;
    private final SseEmitter emitter;
    private final Executor writers;
    private final Duration heartbeat;
    private final SendQueue<SseEventBuilder> out;
    private volatile Instant nextHeartbeat;

    SseSubscriber(String organizationId, SseEmitter emitter, EventStreamProperties props, Executor writers,
            Instant now) {
        this.organizationId = organizationId;
        this.emitter = emitter;
        this.writers = writers;
        this.heartbeat = props.sseHeartbeat();
        this.nextHeartbeat = now.plus(heartbeat);
        this.out = new SendQueue<>(props.sendQueue() + 4, writers, emitter::send, reason -> complete());
    }

    @Override
    public String organizationId() {
        return organizationId;
    }

    /** A first comment, so the client sees the response start before the first event. */
    void open() {
        out.offer(SseEmitter.event().comment("connected"));
    }

    @Override
    public void deliver(StreamEvent event) {
        if (event.organizationId().equals(organizationId)) {
            out.offer(SseEmitter.event().name(event.name()).data(event.json()));
        }
    }

    @Override
    public void tick(Instant now) {
        if (!now.isBefore(nextHeartbeat)) {
            nextHeartbeat = now.plus(heartbeat);
            out.offer(SseEmitter.event().comment("heartbeat"));
        }
    }

    @Override
    public void close(String reason) {
        out.close();
        try {
            writers.execute(this::complete);
        } catch (RejectedExecutionException e) {
            complete();
        }
    }

    /** The response has ended (completion, timeout or error): stop writing. */
    void closed() {
        out.close();
    }

    private void complete() {
        out.close();
        try {
            emitter.complete();
        } catch (RuntimeException e) {
            // already completed, or the client is gone: either way the response is over
        }
    }
}
