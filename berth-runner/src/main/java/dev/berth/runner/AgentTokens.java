package dev.berth.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Per-sandbox agent tokens: {@code HMAC-SHA256(runner key, sandbox id)} in hex. The key is made once per
 * runner data directory ({@code agent-token.key}, mode 0600, outside the {@code sandboxes} directory that
 * sandboxes mount), so tokens survive restarts of the runner and of sandboxes without being stored per
 * sandbox, and a sandbox that reads its own token learns nothing about any other's.
 */
final class AgentTokens {

    static final String KEY_FILE = "agent-token.key";
    private static final int KEY_BYTES = 32;

    private final Path keyFile;
    private volatile SecretKeySpec key;

    AgentTokens(Path dataDir) {
        this.keyFile = dataDir.toAbsolutePath().resolve(KEY_FILE);
    }

    /** The token of {@code sandboxId}; loads (or makes) the key on first use. */
    String of(String sandboxId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            return HexFormat.of().formatHex(mac.doFinal(sandboxId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            synchronized (this) {
                if (key == null) {
                    key = new SecretKeySpec(loadOrCreate(), "HmacSHA256");
                }
                k = key;
            }
        }
        return k;
    }

    /**
     * Reads the key, or writes a fresh one: to a private temp file first, then hard-linked into place, so a
     * second process starting on the same data directory either wins or reads the winner's key.
     */
    private byte[] loadOrCreate() {
        try {
            if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(keyFile.getParent());
                byte[] fresh = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(fresh);
                Path tmp = Files.createTempFile(keyFile.getParent(), KEY_FILE, ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.write(tmp, fresh);
                    Files.createLink(keyFile, tmp);
                } catch (FileAlreadyExistsException raced) {
                    // another process made it first: use theirs
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            if (Files.isSymbolicLink(keyFile)) {
                throw new IllegalStateException(keyFile + " is a symbolic link; the agent token key must be a plain file");
            }
            byte[] k = Files.readAllBytes(keyFile);
            if (k.length != KEY_BYTES) {
                throw new IllegalStateException(keyFile + " holds " + k.length + " bytes, not " + KEY_BYTES
                        + "; delete it to make a new key (then restart every sandbox of this runner)");
            }
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the agent token key " + keyFile + ": "
                    + e.getMessage(), e);
        }
    }
}
