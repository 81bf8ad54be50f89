package dev.berth.server.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A helper program Berth runs and watches (the snapshot registry, the object store): started and waited for
 * until it answers, started again when it dies, stopped with Berth. Its output goes to a log file. Its pid and
 * start time are kept beside the log ({@code <name>.pid}): a Berth that was killed (kill -9, OOM) leaves its helper
 * running, and the next start stops that one first rather than leaving it behind for good.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);

    private final String what;
    private final ProcessBuilder command;
    private final Path logFile;
    private final BooleanSupplier ready;
    private final Duration startTimeout;
    private final Path pidFile;
    private Process process;
    private boolean closed;

    /**
     * @param what  how it is named in logs and errors ("the snapshot registry")
     * @param ready whether it answers now (asked until it does, or it exits, or the start timeout passes)
     */
    public ChildProcess(String what, ProcessBuilder command, Path logFile, BooleanSupplier ready, Duration startTimeout) {
        this.what = what;
        this.command = command.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        this.logFile = logFile;
        this.ready = ready;
        this.startTimeout = startTimeout;
        String name = logFile.getFileName().toString();
        this.pidFile = logFile.resolveSibling((name.endsWith(".log") ? name.substring(0, name.length() - 4) : name)
                + ".pid");
    }

    public synchronized void start() throws IOException {
        stopLeftover();
        process = command.start();
        ProcessHandle h = process.toHandle();
        Files.writeString(pidFile, h.pid() + " " + h.info().startInstant().map(java.time.Instant::toEpochMilli)
                .orElse(0L) + "\n");
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IOException(what + " exited at start (exit " + process.exitValue() + "); see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException(what + " did not answer within " + startTimeout + "; see " + logFile);
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + what + " started");
            }
        }
    }

    /**
     * Stops the process the pid file names if it is still the one recorded (the same pid started at the same
     * moment, so a reused pid is never touched): one an earlier Berth on this data directory left running.
     */
    private void stopLeftover() {
        long pid;
        long started;
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            String[] f = Files.readString(pidFile).trim().split("\\s+");
            pid = Long.parseLong(f[0]);
            started = Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
            log.warn("{}: ignoring an unreadable {} ({})", what, pidFile, e.getMessage());
            return;
        }
        ProcessHandle.of(pid).filter(h -> started != 0
                && h.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(false)).ifPresent(h -> {
                    log.warn("{} left running by an earlier Berth (pid {}): stopping it", what, pid);
                    stop(h);
                });
        forgetPid();
    }

    /** SIGTERM, up to 10 s to exit, then SIGKILL. */
    private static void stop(ProcessHandle h) {
        h.destroy();
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            h.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            h.destroyForcibly();
        }
    }

    private void forgetPid() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            log.warn("{}: cannot remove {} ({})", what, pidFile, e.getMessage());
        }
    }

    /** Starts it again if it died (called periodically). */
    public synchronized void supervise() {
        if (closed || process == null || process.isAlive()) {
            return;
        }
        log.warn("{} exited (exit {}); starting it again", what, process.exitValue());
        try {
            start();
        } catch (IOException e) {
            log.error("{} could not be started again: {}", what, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        Process p = process;
        if (p != null) {
            stop(p.toHandle());
            forgetPid();
        }
    }

    /** A port free on the loopback now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A random secret kept in {@code file} (0600, written atomically): created once, read on every later start. */
    public static String secretFile(Path file, int bytes) throws IOException {
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(file.getParent());
            byte[] b = new byte[bytes];
            new SecureRandom().nextBytes(b);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file).trim();
    }
}
