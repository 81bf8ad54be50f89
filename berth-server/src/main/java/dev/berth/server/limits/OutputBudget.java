package dev.berth.server.limits;

import java.util.concurrent.atomic.AtomicLong;

/** A replica-wide byte budget, reserved before output is buffered and given back after the response. */
final class OutputBudget {

    private final long capacity;
    private final AtomicLong reserved = new AtomicLong();

    OutputBudget(long capacity) {
        this.capacity = capacity;
    }

    boolean reserve(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long now = reserved.get();
            if (now + bytes > capacity) {
                return false;
            }
            if (reserved.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        if (bytes > 0) {
            reserved.addAndGet(-bytes);
        }
    }

    long reserved() {
        return reserved.get();
    }

    long capacity() {
        return capacity;
    }
}
