package dev.berth.server.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * Debian's {@code docker-registry}, run and watched by Berth: its own configuration, storage and htpasswd
 * under {@code <data-dir>/registry}, listening on 127.0.0.1 only (the engines Berth drives run on this host;
 * loopback registries need no TLS for them), with a generated password kept beside it (0600).
 */
final class EmbeddedRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRegistry.class);
    static final String USER = "berth";

    private final Path dir;
    private final Path binary;
    private final Duration startTimeout;
    private final int port;
    private final String password;
    private volatile Process process;
    private volatile boolean closed;

    EmbeddedRegistry(Path dataDir, Path binary, int port, Duration startTimeout) throws IOException {
        this.dir = dataDir.resolve("registry");
        this.binary = binary;
        this.startTimeout = startTimeout;
        Files.createDirectories(dir.resolve("data"));
        this.port = port > 0 ? port : freePort();
        this.password = loadOrCreatePassword();
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    String password() {
        return password;
    }

    private String loadOrCreatePassword() throws IOException {
        Path file = dir.resolve("password");
        if (!Files.isRegularFile(file)) {
            byte[] b = new byte[24];
            new SecureRandom().nextBytes(b);
            Path tmp = dir.resolve("password.tmp");
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    synchronized void start() throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IOException("the registry program " + binary + " is missing: install Debian's docker-registry "
                    + "package (./berth up does), or set berth.registry.url to an external registry");
        }
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, USER + ":" + BCrypt.hashpw(password, BCrypt.gensalt(10)) + "\n");
        Files.setPosixFilePermissions(htpasswd, PosixFilePermissions.fromString("rw-------"));
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: %s
                  secret: %s
                auth:
                  htpasswd:
                    realm: berth
                    path: %s
                """.formatted(dir.resolve("data"), host(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                htpasswd));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        launch(config);
    }

    private void launch(Path config) throws IOException {
        process = new ProcessBuilder(binary.toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
                .start();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("the registry exited at start (exit " + process.exitValue() + "); see "
                        + dir.resolve("registry.log"));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 401 || status == 200) {
                    log.info("snapshot registry listening on {} (storage {})", host(), dir.resolve("data"));
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the registry started");
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("the registry did not answer on " + host() + " within " + startTimeout + "; see "
                        + dir.resolve("registry.log"));
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the registry started");
            }
        }
    }

    /** Starts the registry again if it died (called periodically). */
    synchronized void supervise() {
        if (closed || process == null || process.isAlive()) {
            return;
        }
        log.warn("the snapshot registry exited (exit {}); starting it again", process.exitValue());
        try {
            launch(dir.resolve("config.yml"));
        } catch (IOException e) {
            log.error("the snapshot registry could not be started again: {}", e.getMessage());
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
