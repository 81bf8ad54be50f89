package dev.berth.server.snapshot;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A snapshot's build log, kept in the database in chunks so that any replica can stream it. Bounded: beyond
 * {@link #MAX_BYTES} a build's further output is dropped with one line saying so.
 */
@Component
public class SnapshotBuildLogs {

    static final int MAX_BYTES = 1 << 20;
    private static final int CHUNK = 4000;

    private final JdbcTemplate jdbc;

    public SnapshotBuildLogs(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A writer for one build: appends lines in order, from one thread. */
    public Writer writer(String snapshotId) {
        Integer last = jdbc.queryForObject("select max(seq) from snapshot_build_log where snapshot_id = ?",
                Integer.class, snapshotId);
        return new Writer(snapshotId, last == null ? 0 : last + 1);
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
        private int seq;
        private long written;
        private boolean truncated;

        private Writer(String snapshotId, int seq) {
            this.snapshotId = snapshotId;
            this.seq = seq;
        }

        public void line(String text) {
            if (truncated || text == null || text.isEmpty()) {
                return;
            }
            if (written + text.length() > MAX_BYTES) {
                truncated = true;
                text = "[berth] the build log exceeded " + (MAX_BYTES >> 20) + " MiB; further output is not kept\n";
            }
            written += text.length();
            for (int i = 0; i < text.length(); i += CHUNK) {
                jdbc.update("insert into snapshot_build_log (snapshot_id, seq, chunk) values (?, ?, ?)", snapshotId,
                        seq++, text.substring(i, Math.min(text.length(), i + CHUNK)));
            }
        }
    }
}
