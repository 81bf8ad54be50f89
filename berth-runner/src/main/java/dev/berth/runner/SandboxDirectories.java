package dev.berth.runner;

import dev.berth.core.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-sandbox host directories (the agent's socket and token live here), private to one sandbox. The sandbox's
 * root can write {@code run/}: nothing here follows a link inside it (docs/security.md, "Agent socket").
 */
final class SandboxDirectories {

    private static final Logger log = LoggerFactory.getLogger(SandboxDirectories.class);

    private final Path root;
    private final int ownerUid;

    SandboxDirectories(Path root, int ownerUid) {
        this.root = root;
        this.ownerUid = ownerUid;
    }

    Path runDir(String sandboxId) {
        return root.resolve(sandboxId).resolve("run");
    }

    Path prepare(String sandboxId) {
        Path run = runDir(sandboxId);
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            Files.createDirectories(run);
            Files.setPosixFilePermissions(run.getParent(),
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x---"));
            Files.setPosixFilePermissions(run, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(run, "unix:uid", ownerUid);
            Files.setAttribute(run, "unix:gid", ownerUid);
            Files.setAttribute(run.getParent(), "unix:gid", ownerUid);
        } catch (IOException e) {
            // the message can reach the tenant: it names no host path (the cause, logged by the caller, does)
            throw new EngineException("cannot prepare the directory of sandbox " + run.getParent().getFileName()
                    + " (" + e.getClass().getSimpleName() + "); check the runner's data directory", e);
        }
        return run;
    }

    /**
     * Writes the agent's token into the run directory, which the sandbox can write: whatever entry is there
     * is unlinked (a planted symlink is removed, its target untouched), the file is created exclusively
     * (O_EXCL never follows a symlink) and its owner set without following links.
     */
    void writeToken(String sandboxId, String token) {
        Path file = runDir(sandboxId).resolve(SandboxRunner.AGENT_TOKEN);
        try {
            deleteTree(file); // whatever the sandbox left there, even a directory: the container is not running
            try (var ch = Files.newByteChannel(file, java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("r--------")))) {
                var b = java.nio.ByteBuffer.wrap(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            Files.setAttribute(file, "unix:uid", ownerUid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(file, "unix:gid", ownerUid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new EngineException("cannot write the agent token of sandbox " + sandboxId
                    + " (/.berth/run/agent.token: " + e.getClass().getSimpleName()
                    + "); remove whatever the sandbox left there or recreate the sandbox", e);
        }
    }

    void remove(String sandboxId) {
        Path dir = root.resolve(sandboxId);
        try {
            deleteTree(dir);
        } catch (IOException e) {
            log.warn("could not remove sandbox directory {}: {}", dir, e.getMessage());
        }
    }

    /**
     * Deletes {@code p} and, if it is a directory, everything below it. Never follows a symlink (the walk does
     * not, and unlink removes a link itself); only called when no sandbox process can race it.
     */
    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
