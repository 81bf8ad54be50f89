package dev.berth.server.registry;

import dev.berth.server.support.ChildProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
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
    private ChildProcess process;

    EmbeddedRegistry(Path dataDir, Path binary, int port, Duration startTimeout) throws IOException {
        this.dir = dataDir.resolve("registry");
        this.binary = binary;
        this.startTimeout = startTimeout;
        Files.createDirectories(dir.resolve("data"));
        this.port = port > 0 ? port : ChildProcess.freePort();
        this.password = ChildProcess.secretFile(dir.resolve("password"), 24);
    }

    String host() {
        return "127.0.0.1:" + port;
    }

    String password() {
        return password;
    }

    synchronized void start() throws IOException {
        if (!Files.isExecutable(binary)) {
            throw new IOException("the registry program " + binary + " is missing: install Debian's docker-registry "
                    + "package (./berth up does), or set berth.registry.url to an external registry");
        }
        Path htpasswd = dir.resolve("htpasswd");
        Files.writeString(htpasswd, USER + ":" + BCrypt.hashpw(password, BCrypt.gensalt(10)) + "\n");
        Files.setPosixFilePermissions(htpasswd, PosixFilePermissions.fromString("rw-------"));
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
                """.formatted(dir.resolve("data"), host(), ChildProcess.secretFile(dir.resolve("http-secret"), 24),
                htpasswd));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        collectGarbage(config);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        process = new ChildProcess("the snapshot registry", new ProcessBuilder(binary.toString(), "serve",
                config.toString()), dir.resolve("registry.log"), () -> answers(http), startTimeout);
        process.start();
        log.info("snapshot registry listening on {} (storage {})", host(), dir.resolve("data"));
    }

    /**
     * Deleting a snapshot removes its manifest; its layers stay until a garbage collection, which is only safe
     * while nothing pushes: so it runs here, before the registry starts (at every Berth start). Bounded to 10 min.
     */
    private void collectGarbage(Path config) {
        try {
            Process gc = new ProcessBuilder(binary.toString(), "garbage-collect", "--delete-untagged", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry-gc.log").toFile()))
                    .start();
            if (!gc.waitFor(10, java.util.concurrent.TimeUnit.MINUTES)) {
                gc.destroyForcibly();
                log.warn("registry garbage collection took longer than 10 minutes; stopped (see {})",
                        dir.resolve("registry-gc.log"));
            } else if (gc.exitValue() != 0) {
                log.warn("registry garbage collection failed (exit {}); see {}", gc.exitValue(),
                        dir.resolve("registry-gc.log"));
            }
        } catch (IOException e) {
            log.warn("registry garbage collection could not run: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean answers(HttpClient http) {
        try {
            int status = http.send(HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 401 || status == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
