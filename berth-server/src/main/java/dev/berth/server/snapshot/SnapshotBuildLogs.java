package dev.berth.server.snapshot;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A snapshot's build log, kept in the database in chunks so that any replica can stream it. Bounded: beyond
 * {@link #MAX_BYTES} a build's further output is dropped with one line saying so.
 */
@Component
public class SnapshotBuildLogs implements dev.berth.server.runner.JobLogSink {

    static final int MAX_BYTES = 1 << 20;
    private static final int CHUNK = 4000;

    private final JdbcTemplate jdbc;
    private final Object appended = new Object();

    public SnapshotBuildLogs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A writer for one build's own lines. */
    public Writer writer(String snapshotId) {
        return new Writer(snapshotId);
    }

    /**
     * Appends text from any writer (this replica's build, or a runner posting its job's log through any replica):
     * the next sequence number is taken in the insert, retried when another append took it first. Beyond
     * {@link #MAX_BYTES} nothing more is kept but one line saying so.
     */
    @Override
    public void append(String snapshotId, String text) {
        appendBounded(snapshotId, text);
    }

    /** As {@link #append}; false once the log is full (nothing more will be kept). */
    boolean appendBounded(String snapshotId, String text) {
        if (text == null || text.isEmpty()) {
            return true;
        }
        Long stored = jdbc.queryForObject("select coalesce(sum(length(chunk)), 0) from snapshot_build_log"
                + " where snapshot_id = ?", Long.class, snapshotId);
        if (stored != null && stored >= MAX_BYTES) {
            return false;
        }
        if (stored != null && stored + text.length() > MAX_BYTES) {
            text = "[berth] the build log exceeded " + (MAX_BYTES >> 20) + " MiB; further output is not kept\n";
        }
        for (int i = 0; i < text.length(); i += CHUNK) {
            insert(snapshotId, text.substring(i, Math.min(text.length(), i + CHUNK)));
        }
        synchronized (appended) {
            appended.notifyAll();
        }
        return true;
    }

    /**
     * Waits until this replica appends to any build log, or {@code timeoutMillis} pass (the bound for text another
     * replica or a runner process appended through another replica).
     */
    public void awaitAppend(long timeoutMillis) throws InterruptedException {
        synchronized (appended) {
            appended.wait(timeoutMillis);
        }
    }

    private void insert(String snapshotId, String chunk) {
        for (int attempt = 0; ; attempt++) {
            try {
                jdbc.update("insert into snapshot_build_log (snapshot_id, seq, chunk) select ?, coalesce(max(seq), -1) + 1, ?"
                        + " from snapshot_build_log where snapshot_id = ?", snapshotId, chunk, snapshotId);
                return;
            } catch (org.springframework.dao.DuplicateKeyException e) {
                if (attempt >= 20) {
                    throw e;
                }
            }
        }
    }

    /** Chunks from {@code fromSeq} on, in order. */
    public List<Chunk> read(String snapshotId, int fromSeq) {
        return jdbc.query("select seq, chunk from snapshot_build_log where snapshot_id = ? and seq >= ? order by seq",
                (rs, i) -> new Chunk(rs.getInt(1), rs.getString(2)), snapshotId, fromSeq);
    }

    public void delete(String snapshotId) {
        jdbc.update("delete from snapshot_build_log where snapshot_id = ?", snapshotId);
    }

    public record Chunk(int seq, String text) {
    }

    public final class Writer {
        private final String snapshotId;
        private boolean full;

        private Writer(String snapshotId) {
            this.snapshotId = snapshotId;
        }

        /** Appends; once the log is full, further lines cost nothing (no database call). */
        public synchronized void line(String text) {
            if (!full) {
                full = !appendBounded(snapshotId, text);
            }
        }
    }
}
