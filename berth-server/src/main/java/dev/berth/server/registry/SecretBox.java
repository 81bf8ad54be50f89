package dev.berth.server.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Encrypts secrets kept in the database (registry passwords) with AES-256-GCM. The key is
 * {@code berth.secrets-key} (base64 of 32 bytes; every control-plane replica needs the same one), or, when unset,
 * a key generated once into {@code <data-dir>/secrets.key} (0600) for a single embedded Berth. A ciphertext is
 * {@code v1:<base64 nonce+ciphertext>}, bound to the row it belongs to (additional authenticated data), so one
 * row's secret cannot be copied into another.
 */
@Component
public class SecretBox {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public SecretBox(@Value("${berth.secrets-key:}") String configured, @Value("${berth.data-dir}") Path dataDir)
            throws IOException {
        byte[] raw;
        if (configured != null && !configured.isBlank()) {
            raw = Base64.getDecoder().decode(configured.trim());
        } else {
            Path file = dataDir.resolve("secrets.key");
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(dataDir);
                byte[] b = new byte[32];
                RANDOM.nextBytes(b);
                Path tmp = dataDir.resolve("secrets.key.tmp");
                Files.writeString(tmp, Base64.getEncoder().encodeToString(b));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            raw = Base64.getDecoder().decode(Files.readString(file).trim());
        }
        if (raw.length != 32) {
            throw new IllegalStateException("berth.secrets-key must be base64 of 32 bytes (openssl rand -base64 32)");
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public String seal(String plain, String boundTo) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    public String open(String sealed, String boundTo) {
        if (sealed == null || !sealed.startsWith("v1:")) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(3));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored secret cannot be decrypted with this secrets key (was "
                    + "berth.secrets-key changed?)", e);
        }
    }
}
