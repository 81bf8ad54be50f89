package dev.berth.server.preview;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * An upgraded preview connection (a WebSocket, or any protocol the app agreed to with {@code 101}): after the
 * app's {@code 101} went to the client, bytes are copied both ways unchanged, one thread per direction from a
 * bounded pool, until either side ends or nothing moved for the idle timeout. The container makes the instance
 * (Servlet upgrade); {@link PreviewProxy} hands it the relay before the container calls {@link #init}.
 */
public class UpgradedRelay implements HttpUpgradeHandler {

    private static final Logger log = LoggerFactory.getLogger(UpgradedRelay.class);

    private PortRelay relay;
    private InputStream fromApp;
    private Duration idle;
    private Threads threads;
    private Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** A look at whether the connection is still admitted is running (at most one per connection). */
    private final AtomicBoolean rechecking = new AtomicBoolean();
    private final AtomicLong lastByte = new AtomicLong(System.nanoTime());
    private volatile WebConnection connection;
    private volatile ScheduledFuture<?> watchdog;

    public UpgradedRelay() {
        // made by the servlet container
    }

    /** How often an open upgraded connection asks again whether what let it in still holds. */
    static final Duration RECHECK_EVERY = Duration.ofSeconds(5);

    private java.util.function.BooleanSupplier stillAdmitted;

    void attach(PortRelay r, InputStream appBytes, Duration idleTimeout, Threads pool, Runnable onEnd,
            java.util.function.BooleanSupplier stillAdmitted) {
        this.stillAdmitted = stillAdmitted;
        this.relay = r;
        this.fromApp = appBytes;
        this.idle = idleTimeout;
        this.threads = pool;
        this.release = onEnd;
        r.input(idleTimeout);
    }

    @Override
    public void init(WebConnection wc) {
        this.connection = wc;
        try {
            jakarta.servlet.ServletInputStream fromClient = wc.getInputStream();
            OutputStream toClient = wc.getOutputStream();
            OutputStream toApp = relay.output();
            threads.run(() -> pump(fromApp, toClient));
            // the client's side is read without a waiting thread (Tomcat calls back when bytes arrive), so a silent
            // or vanished client holds no thread; its bytes go to the app as they come
            fromClient.setReadListener(new jakarta.servlet.ReadListener() {
                private final byte[] b = new byte[32 * 1024];

                @Override
                public void onDataAvailable() throws IOException {
                    while (!closed.get() && fromClient.isReady()) {
                        int n = fromClient.read(b);
                        if (n < 0) {
                            end();
                            return;
                        }
                        if (n > 0) {
                            toApp.write(b, 0, n);
                            lastByte.set(System.nanoTime());
                        }
                    }
                }

                @Override
                public void onAllDataRead() {
                    end();
                }

                @Override
                public void onError(Throwable t) {
                    log.debug("upgraded preview connection: client side failed: {}", t.toString());
                    end();
                }
            });
            long period = Math.max(1000, Math.min(idle.toMillis() / 4, RECHECK_EVERY.toMillis()));
            watchdog = threads.timer.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastByte.get() > idle.toNanos()) {
                    log.debug("upgraded preview connection idle for {}; closing", idle);
                    end();
                    return;
                }
                // a signed link expired, or a public sandbox made private, ends the connections it let in
                // one at a time: with a slow database, looks every 5 s would otherwise pile up threads and connections
                if (!rechecking.compareAndSet(false, true)) {
                    return;
                }
                try {
                    threads.run(() -> {
                        try {
                            recheck();
                        } finally {
                            rechecking.set(false);
                        }
                    });
                } catch (RuntimeException e) {
                    rechecking.set(false);
                    // every relay thread is busy: the next look decides (an exception here would end the watchdog)
                }
            }, period, period, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            log.debug("upgraded preview connection failed to start: {}", e.toString());
            end();
        }
    }

    private void recheck() {
        if (closed.get()) {
            return;
        }
        boolean still;
        try {
            still = stillAdmitted.getAsBoolean();
        } catch (RuntimeException e) {
            log.debug("upgraded preview connection: recheck failed: {}", e.toString());
            return; // a database hiccup ends nothing; the next look decides
        }
        if (!still) {
            log.info("upgraded preview connection closed: what let it in (a signed link, or a public sandbox) no "
                    + "longer does");
            end();
        }
    }

    /** The app's bytes to the client, on a pool thread (blocking writes: the client's pace is the app's). */
    private void pump(InputStream in, OutputStream out) {
        byte[] b = new byte[32 * 1024];
        try {
            while (!closed.get()) {
                int n;
                try {
                    n = in.read(b);
                } catch (java.net.SocketTimeoutException e) {
                    continue; // the relay's own wait for the app: the watchdog decides on the whole connection
                }
                if (n < 0) {
                    break;
                }
                if (n > 0) {
                    out.write(b, 0, n);
                    out.flush();
                    lastByte.set(System.nanoTime());
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("upgraded preview connection: app->client ended: {}", e.toString());
        }
        end();
    }

    /**
     * Ends both directions, once, without waiting on anything: the sandbox's connection slot is released and the
     * relay killed first; the client connection is closed on another thread (a write blocked on a client that
     * stopped reading holds the connection's lock until that client goes away).
     */
    private void end() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> w = watchdog;
        if (w != null) {
            w.cancel(false);
        }
        release.run();
        relay.close();
        WebConnection wc = connection;
        if (wc != null) {
            Runnable close = () -> {
                try {
                    wc.close();
                } catch (Exception e) {
                    log.debug("closing an upgraded preview connection: {}", e.toString());
                }
            };
            try {
                threads.run(close);
            } catch (RuntimeException e) {
                close.run();
            }
        }
    }

    @Override
    public void destroy() {
        end();
    }

    /** The threads of upgraded connections: two per connection, bounded; beyond the bound a connection is refused. */
    @Component
    public static class Threads {
        static final int MAX = Integer.getInteger("berth.preview.maxUpgradeThreads", 1024);
        private static final AtomicInteger SEQ = new AtomicInteger();
        private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, MAX, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "berth-preview-io-" + SEQ.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "berth-preview-idle");
            t.setDaemon(true);
            return t;
        });

        void run(Runnable task) {
            pool.execute(task);
        }

        ScheduledExecutorService timer() {
            return timer;
        }

        @jakarta.annotation.PreDestroy
        void shutdown() {
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }
}
