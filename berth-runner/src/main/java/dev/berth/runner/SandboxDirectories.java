package dev.berth.runner;

import dev.berth.core.error.EngineException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The sandbox's network policy as the runner last received it, kept beside (not in) its run directory, so the
     * sandbox cannot change it and every start of its container puts it back in force, after runner restarts too.
     */
    void writePolicy(String sandboxId, dev.berth.core.network.NetworkPolicy policy) {
        Path file = root.resolve(sandboxId).resolve("network-policy");
        String text = "blockAll=" + policy.blockAll() + "\nallow=" + (policy.allow().isEmpty() ? ""
                : policy.allowListString()) + "\ndomains=" + (policy.domains().isEmpty() ? "" : policy.domainListString())
                + "\n";
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("network-policy.tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EngineException("cannot record the network policy of sandbox " + sandboxId + " ("
                    + e.getClass().getSimpleName() + "); check the runner's data directory", e);
        }
    }

    /** The recorded policy; open (the defaults only) when none was ever recorded. */
    dev.berth.core.network.NetworkPolicy readPolicy(String sandboxId) {
        Path file = root.resolve(sandboxId).resolve("network-policy");
        if (!Files.exists(file)) {
            return dev.berth.core.network.NetworkPolicy.OPEN;
        }
        try {
            java.util.Map<String, String> kv = new java.util.HashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    kv.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return dev.berth.core.network.NetworkPolicy.of(Boolean.parseBoolean(kv.get("blockAll")), kv.get("allow"),
                    kv.get("domains"));
        } catch (IOException | RuntimeException e) {
            // never start a sandbox more open than it was: an unreadable policy blocks everything
            log.warn("unreadable network policy of sandbox {} ({}): blocking all its traffic", sandboxId, e.toString());
            return dev.berth.core.network.NetworkPolicy.BLOCK_ALL;
        }
    }

    /** The file whose existence lets the sandbox's entrypoint start (see the agent's --hold-until). */
    Path releaseFile(String sandboxId) {
        return runDir(sandboxId).resolve(SandboxRunner.RELEASE_FILE);
    }

    /** Removes whatever is at the release file's place (the sandbox can write its run directory). */
    void clearRelease(String sandboxId) {
        try {
            deleteTree(releaseFile(sandboxId));
        } catch (IOException e) {
            throw new EngineException("cannot reset /.berth/run/" + SandboxRunner.RELEASE_FILE + " of sandbox "
                    + sandboxId + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Lets the entrypoint start: created exclusively (never through a planted link). */
    void release(String sandboxId) {
        Path file = releaseFile(sandboxId);
        try {
            deleteTree(file);
            Files.newByteChannel(file, java.util.Set.of(java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)).close();
        } catch (IOException e) {
            throw new EngineException("cannot release the entrypoint of sandbox " + sandboxId + " ("
                    + e.getClass().getSimpleName() + ")", e);
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
     * Deletes {@code p} and, if it is a directory, everything below it, through a {@link SecureDirectoryStream}:
     * every step is relative to an open directory and opens nothing through a symlink, so a sandbox that swaps a
     * directory for a link mid-walk makes the delete fail instead of pointing it at a host path. {@code p}'s parent
     * must be a directory the sandbox cannot replace (its run directory is a mount point; the rest is host-owned).
     */
    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(p.getParent())) {
            if (!(parent instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("this platform has no secure directory streams; cannot delete " + p + " safely");
            }
            delete(secure, p.getFileName());
        }
    }

    private static void delete(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        BasicFileAttributes a = dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        if (!a.isDirectory()) {
            dir.deleteFile(name); // unlink: a symlink goes, never its target
            return;
        }
        try (SecureDirectoryStream<Path> sub = dir.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
            List<Path> children = new ArrayList<>();
            sub.forEach(c -> children.add(c.getFileName()));
            for (Path c : children) {
                delete(sub, c);
            }
        }
        dir.deleteDirectory(name);
    }
}
