package dev.berth.server.snapshot;

import dev.berth.core.snapshot.SnapshotCopy.CopyState;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The propagation work recorded per snapshot and runner ({@code snapshot_runner}). Starting work is a
 * compare-and-set on the row, so of several control-plane replicas exactly one sends a pull or removal.
 */
@Component
public class SnapshotCopies {

    public record Row(String snapshotId, String runnerId, CopyState state, String errorReason, Instant updatedAt,
            int failures) {
    }

    private final JdbcTemplate jdbc;

    public SnapshotCopies(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<Row> all() {
        return jdbc.query("select snapshot_id, runner_id, state, error_reason, updated_at, failures from snapshot_runner",
                (rs, i) -> new Row(rs.getString(1), rs.getString(2), CopyState.valueOf(rs.getString(3)), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), rs.getInt(6)));
    }

    /** Takes the work on this copy: true when this replica now holds it (no other work is in flight). */
    public boolean begin(String snapshotId, String runnerId, CopyState work, Instant now, Duration timeout) {
        int n = jdbc.update("update snapshot_runner set state = ?, updated_at = ? where snapshot_id = ? and runner_id = ?"
                + " and (state not in ('PULLING', 'REMOVING') or updated_at < ?)", work.name(), Timestamp.from(now),
                snapshotId, runnerId, Timestamp.from(now.minus(timeout)));
        if (n == 1) {
            return true;
        }
        try {
            return jdbc.update("insert into snapshot_runner (snapshot_id, runner_id, state, failures, updated_at)"
                    + " values (?, ?, ?, 0, ?)", snapshotId, runnerId, work.name(), Timestamp.from(now)) == 1;
        } catch (DataIntegrityViolationException e) {
            return false; // the row exists: work is in flight on another replica
        }
    }

    public void ready(String snapshotId, String runnerId, Instant now) {
        jdbc.update("update snapshot_runner set state = 'READY', error_reason = null, failures = 0, updated_at = ?"
                + " where snapshot_id = ? and runner_id = ?", Timestamp.from(now), snapshotId, runnerId);
    }

    public void failed(String snapshotId, String runnerId, String reason, Instant now) {
        jdbc.update("update snapshot_runner set state = 'ERROR', error_reason = ?, failures = failures + 1, updated_at = ?"
                + " where snapshot_id = ? and runner_id = ?", abbreviate(reason), Timestamp.from(now), snapshotId, runnerId);
    }

    /** The runner no longer holds it (removed): recorded, so a report older than this does not count. */
    public void removed(String snapshotId, String runnerId, Instant now) {
        jdbc.update("update snapshot_runner set state = 'NONE', error_reason = null, failures = 0, updated_at = ?"
                + " where snapshot_id = ? and runner_id = ?", Timestamp.from(now), snapshotId, runnerId);
    }

    public void forgetSnapshot(String snapshotId) {
        jdbc.update("delete from snapshot_runner where snapshot_id = ?", snapshotId);
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() <= 3900 ? s : s.substring(0, 3900) + "…";
    }
}
