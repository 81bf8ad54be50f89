package dev.berth.runner.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which booted machine this runner runs on: every runner on one machine reports the same id, so the control plane
 * counts the machine's capacity once for all of them. The machine id alone would also match a clone of the disk
 * image booted elsewhere; the boot id alone changes on every boot; together they name this machine in this boot.
 */
final class HostIdentity {

    private HostIdentity() {
    }

    /** A short hash of {@code /etc/machine-id} and the kernel's boot id; the host name when neither can be read. */
    static String discover() {
        return of(read(Path.of("/etc/machine-id")), read(Path.of("/proc/sys/kernel/random/boot_id")));
    }

    static String of(String machineId, String bootId) {
        String basis = machineId.isEmpty() && bootId.isEmpty() ? "hostname:" + hostName() : machineId + "/" + bootId;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
