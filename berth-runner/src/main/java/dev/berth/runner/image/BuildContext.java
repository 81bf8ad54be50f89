package dev.berth.runner.image;

import dev.berth.core.error.EngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A build context as a tar file: the (already checked) Dockerfile under a name no upload can have, then the files
 * of every uploaded context, normalized as the builder reads them; an entry that climbs out of the context or
 * shadows the Dockerfile is refused, and the whole is bounded.
 */
public final class BuildContext implements AutoCloseable {

    /** An uploaded context: its hash (for messages) and how to open its tar. */
    public record Upload(String hash, Opener opener) {
    }

    /** Opens an upload's tar stream. */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    private final Path file;
    private final String dockerfileName;

    private BuildContext(Path file, String dockerfileName) {
        this.file = file;
        this.dockerfileName = dockerfileName;
    }

    public Path file() {
        return file;
    }

    /** The Dockerfile's name inside the context (random per build). */
    public String dockerfileName() {
        return dockerfileName;
    }

    public static BuildContext assemble(String dockerfile, List<Upload> uploads, long maxBytes, Consumer<String> log) {
        String dockerfileName = ".berth-dockerfile-" + UUID.randomUUID();
        Path file;
        try {
            file = Files.createTempFile("berth-build-", ".tar");
        } catch (IOException e) {
            throw new EngineException("cannot create the build context: " + e.getMessage(), e);
        }
        long total = 0;
        try (var tar = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] content = dockerfile.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry d = new TarArchiveEntry(dockerfileName);
            d.setSize(content.length);
            d.setMode(0644);
            tar.putArchiveEntry(d);
            tar.write(content);
            tar.closeArchiveEntry();
            for (Upload u : uploads) {
                log.accept("[berth] adding build context " + u.hash() + "\n");
                try (var in = new TarArchiveInputStream(u.opener().open())) {
                    TarArchiveEntry e;
                    while ((e = in.getNextEntry()) != null) {
                        String name = entryName(e.getName(), u.hash());
                        if (name.isEmpty()) {
                            continue; // the context's root directory
                        }
                        if (name.equals(dockerfileName)) {
                            throw new EngineException("build context " + u.hash() + " has an entry named " + name
                                    + ", which Berth uses for the Dockerfile; rename it");
                        }
                        e.setName(e.isDirectory() ? name + "/" : name);
                        total += e.getSize();
                        if (total > maxBytes) {
                            throw new EngineException("the build contexts hold more than " + (maxBytes >> 20)
                                    + " MiB; upload less");
                        }
                        tar.putArchiveEntry(e);
                        in.transferTo(tar);
                        tar.closeArchiveEntry();
                    }
                }
            }
            tar.finish();
            return new BuildContext(file, dockerfileName);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file
            }
            if (e instanceof dev.berth.core.error.BerthException be) {
                throw be;
            }
            throw new EngineException("cannot assemble the build context: " + e.getMessage(), e);
        }
    }

    /**
     * A context entry's name as the builder will read it: without leading {@code ./} and {@code /}; an entry that
     * climbs out ({@code ..}) is refused.
     */
    public static String entryName(String raw, String hash) {
        String n = raw.replace('\\', '/');
        List<String> parts = new ArrayList<>();
        for (String p : n.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                throw new EngineException("build context " + hash + " has an entry that climbs out of it ('"
                        + (raw.length() <= 80 ? raw : raw.substring(0, 80) + "…") + "')");
            }
            parts.add(p);
        }
        return String.join("/", parts);
    }

    public InputStream open() throws IOException {
        return Files.newInputStream(file);
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file
        }
    }
}
