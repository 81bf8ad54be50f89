package dev.berth.server.event.stream;

import jakarta.annotation.PreDestroy;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The threads that write to stream clients. At most one drain task per connection is queued, so the task queue
 * is bounded by the connection cap.
 */
@Component
class StreamWriters implements Executor {

    private final ThreadPoolExecutor pool;

    StreamWriters(EventStreamProperties props) {
        AtomicInteger n = new AtomicInteger();
        // one drain and one close task per connection at most
        this.pool = new ThreadPoolExecutor(props.writerThreads(), props.writerThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(2 * props.maxConnections() + 16), r -> {
                    Thread t = new Thread(r, "event-stream-writer-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @PreDestroy
    void shutdown() {
        pool.shutdownNow();
    }
}
