package dev.berth.server.runner;

/** Where the log lines a runner posts for a snapshot-making job go (the snapshot feature keeps build logs). */
public interface JobLogSink {

    /** Appends text to the build log of the snapshot a job makes. */
    void append(String snapshotId, String text);
}
