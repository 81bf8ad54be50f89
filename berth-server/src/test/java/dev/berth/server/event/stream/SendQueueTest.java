package dev.berth.server.event.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SendQueueTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void writesInOrder() throws Exception {
        List<String> written = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(100);
        var q = new SendQueue<String>(200, pool, f -> {
            written.add(f);
            all.countDown();
        }, r -> {
        });
        for (int i = 0; i < 100; i++) {
            assertThat(q.offer("f" + i)).isTrue();
        }
        assertThat(all.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(written).hasSize(100).startsWith("f0", "f1").endsWith("f99");
    }

    @Test
    void aStalledClientIsDroppedWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch failed = new CountDownLatch(1);
        var q = new SendQueue<String>(4, pool, f -> release.await(), r -> {
            failure.set(r);
            failed.countDown();
        });
        long start = System.nanoTime();
        boolean accepted = true;
        for (int i = 0; i < 10 && accepted; i++) {
            accepted = q.offer("f" + i);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
        assertThat(accepted).isFalse();
        assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).contains("too slow");
        assertThat(q.offer("late")).isFalse();
        release.countDown();
    }

    @Test
    void aWriteErrorFailsTheQueueOnce() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        var q = new SendQueue<String>(8, pool, f -> {
            throw new java.io.IOException("broken pipe");
        }, r -> {
            reasons.add(r);
            failed.countDown();
        });
        q.offer("a");
        q.offer("b");
        assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(q.isClosed()).isTrue();
        assertThat(reasons).hasSize(1).first().asString().contains("broken pipe");
    }
}
