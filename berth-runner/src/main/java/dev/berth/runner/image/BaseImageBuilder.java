package dev.berth.runner.image;

import dev.berth.core.error.EngineException;
import dev.berth.runner.engine.ContainerEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a base image available on the engine: builds its rootfs tarball with the builder script
 * (cached under {@code cacheDir}) and imports it. Idempotent and safe to call on every start.
 */
public final class BaseImageBuilder {

    private static final Logger log = LoggerFactory.getLogger(BaseImageBuilder.class);

    private final ContainerEngine engine;
    private final Path scriptsDir;
    private final Path cacheDir;
    private final Duration buildTimeout;

    public BaseImageBuilder(ContainerEngine engine, Path scriptsDir, Path cacheDir, Duration buildTimeout) {
        this.engine = engine;
        this.scriptsDir = scriptsDir;
        this.cacheDir = cacheDir;
        this.buildTimeout = buildTimeout;
    }

    /** Ensures the image exists on the engine; returns the size of its rootfs tarball in bytes. */
    public long ensure(BaseImage image) {
        Path tar = cacheDir.resolve(image.tarball());
        if (!Files.isRegularFile(tar)) {
            build(image, tar);
        }
        if (!engine.imageExists(image.imageRef())) {
            long t0 = System.nanoTime();
            engine.importImage(tar, image.imageRef());
            log.info("imported {} from {} in {} ms", image.imageRef(), tar, (System.nanoTime() - t0) / 1_000_000);
        }
        try {
            return Files.size(tar);
        } catch (IOException e) {
            return 0;
        }
    }

    private void build(BaseImage image, Path tar) {
        Path script = scriptsDir.resolve(image.builderScript());
        if (!Files.isExecutable(script)) {
            throw new EngineException("image builder " + script + " is missing or not executable; set "
                    + "BERTH_IMAGES_DIR to the 'images' directory of the Berth checkout");
        }
        try {
            Files.createDirectories(cacheDir);
            Path logFile = cacheDir.resolve(image.tarball() + ".log");
            log.info("building base image {} with {} (log: {})", image.imageRef(), script, logFile);
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(script.toString(), tar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            boolean finished;
            try {
                finished = p.waitFor(buildTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                stopTree(p); // Berth is stopping: the build must not outlive it
                throw e;
            }
            if (!finished) {
                stopTree(p);
                throw new EngineException("building " + image.imageRef() + " took longer than " + buildTimeout
                        + "; see " + logFile);
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tar)) {
                throw new EngineException("building " + image.imageRef() + " failed (exit " + p.exitValue()
                        + "); see " + logFile + ": " + tail(logFile));
            }
            log.info("built {} in {} s", image.imageRef(), (System.nanoTime() - t0) / 1_000_000_000);
        } catch (IOException e) {
            throw new EngineException("cannot run image builder " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while building " + image.imageRef(), e);
        }
    }

    /**
     * Stops a builder and everything it started: SIGTERM to the children first (a shell runs its EXIT trap,
     * which removes the half-built rootfs, only once its foreground child is gone), then to the builder,
     * then SIGKILL to whatever is left after a grace period.
     */
    static void stopTree(Process p) {
        List<ProcessHandle> all = new java.util.ArrayList<>(p.descendants().toList());
        all.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            p.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // forced below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // forced below, without waiting
        }
        all.addAll(p.descendants().toList());
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String tail(Path logFile) {
        try {
            var lines = Files.readAllLines(logFile);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(log unreadable)";
        }
    }
}
