package dev.berth.server.event.stream;

import dev.berth.core.error.QuotaExceededException;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** Opens SSE streams within the connection caps and cleans each up exactly once when its response ends. */
@Component
class SseStreams {

    private final EventStreamProperties props;
    private final StreamRegistry registry;
    private final StreamTicker ticker;
    private final StreamWriters writers;
    private final Clock clock;

    SseStreams(EventStreamProperties props, StreamRegistry registry, StreamTicker ticker, StreamWriters writers,
            Clock clock) {
        this.props = props;
        this.registry = registry;
        this.ticker = ticker;
        this.writers = writers;
        this.clock = clock;
    }

    SseEmitter open(String organizationId) {
        if (!registry.reserveConnection()) {
            throw new QuotaExceededException("too many event stream connections; try again later");
        }
        var emitter = new SseEmitter(props.sseTimeout().toMillis());
        var sub = new SseSubscriber(organizationId, emitter, props, writers, clock.instant());
        String refused = registry.join(sub).orElse(null);
        if (refused != null) {
            registry.releaseConnection();
            throw new QuotaExceededException(refused);
        }
        AtomicBoolean done = new AtomicBoolean();
        Runnable cleanup = () -> {
            if (done.compareAndSet(false, true)) {
                ticker.unregister(sub);
                registry.leave(sub);
                sub.closed();
                registry.releaseConnection();
            }
        };
        emitter.onCompletion(cleanup);
        emitter.onTimeout(cleanup);
        emitter.onError(e -> cleanup.run());
        ticker.register(sub);
        sub.open();
        return emitter;
    }
}
