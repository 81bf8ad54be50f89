package dev.berth.server.objectstore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Berth's S3-compatible object storage (module {@code berth-objectstore}: S3Proxy on the local file system) as a
 * child process: storage and its master secret (0600) under {@code <data-dir>/objectstore}, 127.0.0.1 only,
 * restarted when it dies.
 */
final class EmbeddedObjectStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedObjectStore.class);

    private final Path dir;
    private final Path home;
    private final String bucket;
    private final Duration startTimeout;
    private final int port;
    private final byte[] master;
    private volatile Process process;
    private volatile boolean closed;

    EmbeddedObjectStore(Path dataDir, Path home, String bucket, int port, Duration startTimeout) throws IOException {
        this.dir = dataDir.resolve("objectstore");
        this.home = home;
        this.bucket = bucket;
        this.startTimeout = startTimeout;
        Files.createDirectories(dir.resolve("data"));
        this.port = port > 0 ? port : freePort();
        this.master = loadOrCreateSecret();
    }

    int port() {
        return port;
    }

    byte[] master() {
        return master.clone();
    }

    private byte[] loadOrCreateSecret() throws IOException {
        Path file = dir.resolve("secret");
        if (!Files.isRegularFile(file)) {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            Path tmp = dir.resolve("secret.tmp");
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file).trim().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    synchronized void start() throws IOException {
        Path jar = home.resolve("berth-objectstore.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(home.resolve("lib"))) {
            throw new IOException("the object store is not built: " + jar + " or " + home.resolve("lib") + " is missing "
                    + "(mvn package builds it; set berth.object-storage.home to the berth-objectstore/target directory)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-cp",
                jar + ":" + home.resolve("lib") + "/*", "dev.berth.objectstore.ObjectStoreMain",
                "--port", String.valueOf(port), "--dir", dir.resolve("data").toString(),
                "--secret-file", dir.resolve("secret").toString(), "--bucket", bucket)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("objectstore.log").toFile()))
                .start();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("the object store exited at start (exit " + process.exitValue() + "); see "
                        + dir.resolve("objectstore.log"));
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                log.info("object storage listening on 127.0.0.1:{} (storage {})", port, dir.resolve("data"));
                return;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the object store did not listen on 127.0.0.1:" + port + " within " + startTimeout
                        + "; see " + dir.resolve("objectstore.log"));
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the object store started");
            }
        }
    }

    synchronized void supervise() {
        if (closed || process == null || process.isAlive()) {
            return;
        }
        log.warn("the object store exited (exit {}); starting it again", process.exitValue());
        try {
            start();
        } catch (IOException e) {
            log.error("the object store could not be started again: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
