package dev.berth.server.toolbox.files;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Test helpers for transfers: generated data, the SDK's multipart upload body, a live-heap sampler. */
final class TransferSupport {

    static final String BOUNDARY = "--------------------------0123456789abcdef01234567";

    private TransferSupport() {
    }

    /** {@code size} pseudo-random bytes from {@code seed}, generated on the fly (nothing held in memory). */
    static InputStream random(long seed, long size) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) rnd.nextInt(256);
                }
                left -= n;
                return n;
            }
        };
    }

    record Upload(String path, InputStream data) {
    }

    /** The SDK's bulk-upload body: {@code files[i].path} then {@code files[i].file} (basename as filename). */
    static InputStream bulkUploadBody(List<Upload> uploads) {
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < uploads.size(); i++) {
            Upload u = uploads.get(i);
            String base = u.path().substring(u.path().lastIndexOf('/') + 1);
            parts.add(text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files[" + i + "].path\"\r\n\r\n"
                    + u.path() + "\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"files[" + i
                    + "].file\"; filename=\"" + base + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            parts.add(u.data());
            parts.add(text("\r\n"));
        }
        parts.add(text("--" + BOUNDARY + "--\r\n"));
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    static InputStream singleFileBody(String field, String fileName, InputStream data) {
        return new SequenceInputStream(Collections.enumeration(List.of(
                text("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                        + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
                data, text("\r\n--" + BOUNDARY + "--\r\n"))));
    }

    static InputStream text(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads lines of {@code in} up to an empty line (part headers); null at end of stream. */
    static List<String> headers(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String l = line.toString().replaceAll("\r$", "");
                if (l.isEmpty() && !lines.isEmpty()) {
                    return lines;
                }
                if (!l.isEmpty()) {
                    lines.add(l);
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
        return lines.isEmpty() ? null : lines;
    }

    /** Samples the heap in use right after a GC (the live set) while a transfer runs. */
    static final class LiveHeapSampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final java.util.concurrent.ScheduledExecutorService sampler =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "live-heap-sampler");
                    t.setDaemon(true);
                    return t;
                });

        LiveHeapSampler() {
            sampler.scheduleWithFixedDelay(() -> {
                System.gc();
                peak.accumulateAndGet(usedHeap(), Math::max);
            }, 0, 300, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        static long usedHeap() {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() throws InterruptedException {
            sampler.shutdownNow();
            sampler.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
