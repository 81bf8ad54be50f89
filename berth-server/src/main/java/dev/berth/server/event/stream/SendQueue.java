package dev.berth.server.event.stream;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's outbound frames: {@link #offer} never blocks (the publisher fans out to every connection on one
 * thread); a writer-pool thread drains the queue with the transport's blocking write, one drain per connection at
 * a time, so writes are never concurrent. A full queue means the client cannot keep up: it is dropped.
 */
final class SendQueue<T> {

    /** The transport's write; may block on a slow client. */
    interface Writer<T> {
        void write(T frame) throws Exception;
    }

    /** Called once, on a writer thread (or the caller's, if the pool refuses), when the queue gives up. */
    interface Failure {
        void failed(String reason);
    }

    private static final int FRAMES_PER_TURN = 64;

    private final ArrayBlockingQueue<T> queue;
    private final Executor writers;
    private final Writer<T> writer;
    private final Failure failure;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean failed = new AtomicBoolean();

    SendQueue(int capacity, Executor writers, Writer<T> writer, Failure failure) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writers = writers;
        this.writer = writer;
        this.failure = failure;
    }

    /** Queues a frame; false (and the connection is being dropped) if the client is too far behind. */
    boolean offer(T frame) {
        if (failed.get()) {
            return false;
        }
        if (!queue.offer(frame)) {
            fail("client too slow: " + queue.size() + " frames queued");
            return false;
        }
        schedule();
        return true;
    }

    /** Stops writing; queued frames are discarded. */
    void close() {
        failed.set(true);
        queue.clear();
    }

    boolean isClosed() {
        return failed.get();
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            try {
                writers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                draining.set(false);
                fail("event stream writers are shutting down or saturated");
            }
        }
    }

    private void drain() {
        try {
            for (int i = 0; i < FRAMES_PER_TURN && !failed.get(); i++) {
                T frame = queue.poll();
                if (frame == null) {
                    break;
                }
                writer.write(frame);
            }
        } catch (Exception e) {
            fail("write failed: " + e);
        } finally {
            draining.set(false);
        }
        if (!queue.isEmpty() && !failed.get()) {
            schedule(); // requeue behind other connections instead of hogging the thread
        }
    }

    private void fail(String reason) {
        if (failed.compareAndSet(false, true)) {
            queue.clear();
            try {
                writers.execute(() -> failure.failed(reason));
            } catch (RejectedExecutionException e) {
                failure.failed(reason);
            }
        }
    }
}
