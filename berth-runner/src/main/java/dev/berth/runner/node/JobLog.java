package dev.berth.runner.node;

import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's log lines on their way to the control plane: buffered, and posted at most every 250 ms or per 32 KiB,
 * and at close. A post that fails is dropped with a warning: the job's outcome does not depend on its log.
 */
final class JobLog implements Consumer<String>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobLog.class);
    private static final int FLUSH_BYTES = 32 * 1024;

    private final ControlPlaneClient cp;
    private final String jobId;
    private final StringBuilder buffer = new StringBuilder();
    private long lastPost = System.nanoTime();

    JobLog(ControlPlaneClient cp, String jobId) {
        this.cp = cp;
        this.jobId = jobId;
    }

    @Override
    public synchronized void accept(String text) {
        if (text == null) {
            return;
        }
        buffer.append(text);
        if (buffer.length() >= FLUSH_BYTES || System.nanoTime() - lastPost > 250_000_000L) {
            flush();
        }
    }

    private void flush() {
        while (buffer.length() > 0) {
            int n = Math.min(buffer.length(), FLUSH_BYTES);
            String chunk = buffer.substring(0, n);
            buffer.delete(0, n);
            try {
                cp.log(jobId, chunk);
            } catch (IOException e) {
                log.warn("job {}: log lines could not be sent: {}", jobId, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        lastPost = System.nanoTime();
    }

    @Override
    public synchronized void close() {
        flush();
    }
}
