package dev.berth.runner.agent;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Handle of an entrypoint log stream; close to stop following. */
public final class LogSubscription implements Closeable {
    private final AgentConnection conn;
    private final LogListener listener;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean closedByUser;

    LogSubscription(AgentConnection conn, LogListener listener) {
        this.conn = conn;
        this.listener = listener;
    }

    void pump() {
        try {
            while (true) {
                Wire.Frame f = conn.read();
                switch (f.type()) {
                    case Wire.R_LOG -> listener.onLog(AgentClient.decodeLog(f));
                    case Wire.R_EXIT -> listener.onExit(ExitStatus.decode(f.payload()));
                    case Wire.R_END -> {
                        conn.close();
                        listener.onEnd();
                        return;
                    }
                    case Wire.R_ERROR -> throw AgentClient.error(f, AgentErrorCode.OPERATION_FAILED);
                    default -> throw AgentException.protocol("unexpected frame 0x" + Integer.toHexString(f.type()));
                }
            }
        } catch (AgentException e) {
            conn.close();
            if (!closedByUser) {
                listener.onError(e);
            }
        } finally {
            done.countDown();
        }
    }

    /** Waits until the stream ended (or failed, or was closed). */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        closedByUser = true;
        conn.close();
    }
}
