package dev.berth.runner.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import dev.berth.runner.engine.ContainerEvent;
import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the engine's event stream for containers with one label and hands die/oom/destroy
 * events on. The stream drops when the engine restarts; it is reopened with back-off (250 ms
 * doubling to 5 s) and each reopening is announced as {@link ContainerEvent.Kind#STREAM_RESTORED}.
 */
final class DockerEventWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerEventWatch.class);

    private final DockerClient docker;
    private final String labelKey;
    private final Consumer<ContainerEvent> listener;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile ResultCallback.Adapter<Event> current;

    DockerEventWatch(DockerClient docker, String labelKey, Consumer<ContainerEvent> listener, String host) {
        this.docker = docker;
        this.labelKey = labelKey;
        this.listener = listener;
        this.thread = new Thread(this::run, "engine-events " + host);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        long backoff = 250;
        boolean first = true;
        while (closed.getCount() > 0) {
            boolean wasFirst = first;
            var callback = new ResultCallback.Adapter<Event>() {
                @Override
                public void onStart(Closeable stream) {
                    super.onStart(stream);
                    if (!wasFirst) {
                        log.info("engine event stream restored");
                        deliver(ContainerEvent.streamRestored());
                    }
                }

                @Override
                public void onNext(Event e) {
                    translate(e);
                }
            };
            current = callback;
            boolean opened = false;
            try {
                docker.eventsCmd().withEventTypeFilter(EventType.CONTAINER).withLabelFilter(labelKey)
                        .withEventFilter("die", "oom", "destroy").exec(callback);
                opened = true;
                first = false;
                callback.awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.debug("engine event stream failed: {}", e.toString());
            } finally {
                closeQuietly(callback);
            }
            if (opened) {
                backoff = 250;
            }
            try {
                // back-off before reopening; returns at once when the watch is closed
                if (closed.await(backoff, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    private void translate(Event e) {
        String action = e.getAction() != null ? e.getAction() : e.getStatus();
        ContainerEvent.Kind kind = switch (action == null ? "" : action) {
            case "die" -> ContainerEvent.Kind.DIED;
            case "oom" -> ContainerEvent.Kind.OOM_KILLED;
            case "destroy" -> ContainerEvent.Kind.DESTROYED;
            default -> null;
        };
        if (kind == null) {
            return;
        }
        Map<String, String> attrs = e.getActor() == null || e.getActor().getAttributes() == null ? Map.of()
                : e.getActor().getAttributes();
        Integer exit = null;
        try {
            exit = attrs.containsKey("exitCode") ? Integer.valueOf(attrs.get("exitCode")) : null;
        } catch (NumberFormatException ignored) {
            // not a number: leave it unknown
        }
        String id = e.getActor() != null && e.getActor().getId() != null ? e.getActor().getId() : e.getId();
        deliver(new ContainerEvent(kind, id, attrs, exit));
    }

    private void deliver(ContainerEvent ev) {
        try {
            listener.accept(ev);
        } catch (RuntimeException ex) {
            log.warn("engine event listener failed on {}: {}", ev.kind(), ex.toString());
        }
    }

    private static void closeQuietly(ResultCallback.Adapter<Event> cb) {
        try {
            cb.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // the stream is already gone
        }
    }

    @Override
    public void close() {
        closed.countDown();
        var cb = current;
        if (cb != null) {
            closeQuietly(cb);
        }
        thread.interrupt();
    }
}
