package dev.berth.server.sandbox;

/**
 * Records that sandboxes are in use, for the idle policies (auto-stop, auto-pause). Stamps are buffered and written
 * in batches, so a busy sandbox costs no row write per request; a held sandbox (an open terminal, a running
 * command, a followed log) counts as active until it is released.
 */
public interface ActivityTracker {

    /** The sandbox was used now (a toolbox call, refreshActivity). */
    void touch(String sandboxId);

    /** The sandbox is in use until the returned handle is closed (closing twice is harmless). */
    Hold hold(String sandboxId);

    /** Writes the buffered stamps now (before a lifecycle decision reads them). */
    void flush();

    interface Hold extends AutoCloseable {
        @Override
        void close();
    }
}
