package dev.berth.server.toolbox.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The output of one session command: a bounded log of stdout/stderr chunks in arrival order. When the cap is
 * exceeded the oldest chunks are dropped (hostile code can print forever; the tail is what matters). Followers
 * read with a cursor ({@link #readFrom}) and are woken on every change, so a slow follower never makes the
 * producer wait or buffer more.
 */
final class OutputLog {

    enum Stream { STDOUT, STDERR }

    record Chunk(Stream stream, byte[] data) {
    }

    /** What a follower gets: chunks from its cursor on, the next cursor, and whether the log is complete. */
    record Page(List<Chunk> chunks, long next, boolean complete) {
    }

    record Text(String output, String stdout, String stderr) {
    }

    private final long cap;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long firstSeq;
    private long size;
    private boolean complete;

    OutputLog(long cap) {
        this.cap = cap;
    }

    void append(Stream stream, byte[] data) {
        synchronized (this) {
            if (complete || data.length == 0) {
                return;
            }
            byte[] d = data.length > cap ? java.util.Arrays.copyOfRange(data, data.length - (int) cap, data.length) : data;
            chunks.addLast(new Chunk(stream, d));
            size += d.length;
            while (size > cap) {
                size -= chunks.removeFirst().data().length;
                firstSeq++;
            }
        }
        listeners.forEach(Runnable::run);
    }

    void complete() {
        synchronized (this) {
            if (complete) {
                return;
            }
            complete = true;
        }
        listeners.forEach(Runnable::run);
    }

    synchronized long size() {
        return size;
    }

    /** Chunks from sequence number {@code cursor} (or the oldest still kept), at most {@code maxBytes} (≥ 1 chunk). */
    synchronized Page readFrom(long cursor, int maxBytes) {
        long seq = Math.max(cursor, firstSeq);
        List<Chunk> out = new ArrayList<>();
        int bytes = 0;
        int skip = (int) (seq - firstSeq);
        int i = 0;
        for (Chunk c : chunks) {
            if (i++ < skip) {
                continue;
            }
            if (!out.isEmpty() && bytes + c.data().length > maxBytes) {
                break;
            }
            out.add(c);
            bytes += c.data().length;
        }
        long next = seq + out.size();
        return new Page(out, next, complete && next == firstSeq + chunks.size());
    }

    synchronized Text text() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        for (Chunk c : chunks) {
            all.writeBytes(c.data());
            (c.stream() == Stream.STDOUT ? out : err).writeBytes(c.data());
        }
        return new Text(all.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    /** Called (from the producer's thread) after every append and on completion; must not block. */
    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    int listenerCount() {
        return listeners.size();
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }
}
