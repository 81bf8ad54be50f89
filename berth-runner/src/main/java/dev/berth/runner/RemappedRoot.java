package dev.berth.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host uid that root inside a user-namespace-remapped container maps to. */
final class RemappedRoot {

    private RemappedRoot() {
    }

    /** First subordinate uid of the engine's {@code dockremap} user, as dockerd's --userns-remap=default uses it. */
    static int hostUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/subuid"))) {
                String[] f = line.split(":");
                if (f.length == 3 && f[0].equals("dockremap")) {
                    return Integer.parseInt(f[1]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("engine reports user-namespace remapping but /etc/subuid has no "
                    + "readable 'dockremap' entry: " + e.getMessage(), e);
        }
        throw new IllegalStateException("engine reports user-namespace remapping but /etc/subuid has no 'dockremap' entry");
    }
}
