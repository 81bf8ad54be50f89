package dev.berth.server.snapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** A build log as a plain-text stream; followed, it ends when the snapshot's work has ended and all was sent. */
@Component
public class SnapshotLogStreams {

    private static final Set<SnapshotState> WORKING = EnumSet.of(SnapshotState.PENDING, SnapshotState.PULLING,
            SnapshotState.BUILDING);
    private static final Duration MAX_FOLLOW = Duration.ofHours(1);

    private final SnapshotBuildLogs logs;
    private final SnapshotRepository snapshots;

    public SnapshotLogStreams(SnapshotBuildLogs logs, SnapshotRepository snapshots) {
        this.logs = logs;
        this.snapshots = snapshots;
    }

    public StreamingResponseBody stream(String snapshotId, boolean follow) {
        return out -> copy(snapshotId, follow, out);
    }

    private void copy(String snapshotId, boolean follow, OutputStream out) throws IOException {
        int next = 0;
        long deadline = System.nanoTime() + MAX_FOLLOW.toNanos();
        while (true) {
            boolean working = follow && snapshots.findById(snapshotId).map(s -> WORKING.contains(s.getState()))
                    .orElse(false);
            var chunks = logs.read(snapshotId, next);
            for (var c : chunks) {
                out.write(c.text().getBytes(StandardCharsets.UTF_8));
                next = c.seq() + 1;
            }
            out.flush();
            if (!working || System.nanoTime() > deadline) {
                return;
            }
            if (chunks.isEmpty()) {
                try {
                    logs.awaitAppend(200); // woken by this replica's appends; at most 200 ms for another replica's
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
