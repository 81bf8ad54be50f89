package dev.berth.server.objectstore;

import dev.berth.server.support.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private ChildProcess process;

    private final long maxPerOrg;
    private final Duration keep;

    EmbeddedObjectStore(Path dataDir, Path home, String bucket, int port, Duration startTimeout, long maxPerOrg,
            Duration keep) throws IOException {
        this.maxPerOrg = maxPerOrg;
        this.keep = keep;
        this.dir = dataDir.resolve("objectstore");
        this.home = home;
        this.bucket = bucket;
        this.startTimeout = startTimeout;
        Files.createDirectories(dir.resolve("data"));
        this.port = port > 0 ? port : ChildProcess.freePort();
        this.master = ChildProcess.secretFile(dir.resolve("secret"), 32).getBytes(StandardCharsets.UTF_8);
    }

    int port() {
        return port;
    }

    byte[] master() {
        return master.clone();
    }

    synchronized void start() throws IOException {
        Path jar = home.resolve("berth-objectstore.jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(home.resolve("lib"))) {
            throw new IOException("the object store is not built: " + jar + " or " + home.resolve("lib") + " is missing "
                    + "(mvn package builds it; set berth.object-storage.home to the berth-objectstore/target directory)");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ChildProcess("the object store", new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-cp",
                jar + ":" + home.resolve("lib") + "/*", "dev.berth.objectstore.ObjectStoreMain",
                "--port", String.valueOf(port), "--dir", dir.resolve("data").toString(),
                "--secret-file", dir.resolve("secret").toString(), "--bucket", bucket,
                "--max-bytes-per-org", String.valueOf(maxPerOrg), "--keep-days", String.valueOf(Math.max(1, keep.toDays()))),
                dir.resolve("objectstore.log"), this::listens, startTimeout);
        process.start();
        log.info("object storage listening on 127.0.0.1:{} (storage {})", port, dir.resolve("data"));
    }

    private boolean listens() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    synchronized void supervise() {
        if (process != null) {
            process.supervise();
        }
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            process.close();
        }
    }
}
